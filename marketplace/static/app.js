// Site JavaScript entry point. Load with:
//   <script type="module" src="/assets/app.js"></script>
// The site's CSP forbids inline scripts, so this module does the job of the
// GOV.UK template's inline <script>: mark the page as JS-enabled and as a
// browser GOV.UK Frontend supports (any browser that runs ES modules is).
//
// The static import below is hoisted, but importing govuk-frontend.min.js
// has no side effects; components are only set up when initAll() runs,
// which is after the classes have been added.
import { initAll } from './govuk-frontend.min.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')

initAll()
