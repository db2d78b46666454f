"""Scheduled work: one scheduler (``flask jobs run-due`` from a timer, or the ``flask jobs run`` loop) runs every
periodic job, each under a database lease so only one host runs it, and records each job's last success and error
for ``/health``. A top-level package like ``health``: it calls into the domains, none of them import it."""
