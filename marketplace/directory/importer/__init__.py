"""Bulk import of organisations, offers and consortia from the interchange format (JSON) or a basic CSV.

How it works, and why:

* :mod:`.schema` — the format's keys, limits and the report; :mod:`.catalogue` — vocabularies, localities and
  existing refs, read once; :mod:`.checker` and :mod:`.checks` — every record is validated completely before the
  database is touched, and every reason a record is wrong is reported (not just the first), so a provider or
  admin can fix a file in one pass; :mod:`.writer` — valid records are written through the directory's services,
  the same rules as the pages (a record asking to be published that the publish check refuses is imported as a
  draft, with the page's reasons), and :mod:`.consortia_writer` after it; :mod:`.files` — reading JSON and
  CSV, and running the import.
* Records are matched by their stable ``ref`` (offers by their own ``ref``): a known ref updates, a new one
  creates. A key that a record leaves out is left as it is; a key that is present replaces what is stored —
  lists (localities, target groups, indicators, problem areas, outcome contributions, framework statements, offers) are
  replaced to match the file, so importing a file again converges and changes nothing.
"""

from marketplace.directory.importer.checks import check_consortium, check_organisation
from marketplace.directory.importer.files import import_csv, import_directory, import_file, import_records, read_text
from marketplace.directory.importer.schema import Counts, ImportReport, InterchangeFileError, Rejection

__all__ = [
    "Counts",
    "ImportReport",
    "InterchangeFileError",
    "Rejection",
    "check_consortium",
    "check_organisation",
    "import_csv",
    "import_directory",
    "import_file",
    "import_records",
    "read_text",
]
