"""The evidence store contract: what any implementation behind ``EVIDENCE_STORE`` must do.

To test a new store (an S3-compatible one, say), add a factory for it to ``STORES``: every test here runs against
each. ``MemoryStore`` is a second, minimal implementation written only for these tests, so the contract is shown
to describe behaviour, not the local folder's details.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable

import pytest

from marketplace.directory.evidence import storage
from marketplace.directory.evidence.storage import EvidenceStore, LocalFolderStore, StoredNameError, checked_name
from tests.directory.evidence import files
from tests.forms import file_storage


class MemoryStore:
    """Evidence in a dict: the smallest store that keeps the contract."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}

    def save(self, data: bytes) -> str:
        name = secrets.token_hex(16)
        self.files[name] = bytes(data)
        return name

    def open(self, name: str) -> bytes:
        try:
            return self.files[checked_name(name)]
        except KeyError:
            raise FileNotFoundError(name) from None

    def size(self, name: str) -> int:
        return len(self.open(name))

    def delete(self, name: str) -> None:
        self.files.pop(checked_name(name), None)


def memory_store(app) -> MemoryStore:
    """``EVIDENCE_STORE = "tests.directory.evidence.test_store_contract:memory_store"``."""
    return MemoryStore()


STORES: dict[str, Callable[..., EvidenceStore]] = {
    "local folder": lambda tmp_path: LocalFolderStore(tmp_path / "uploads"),
    "memory": lambda tmp_path: MemoryStore(),
}
TRAVERSALS = ["../secret", "..", "/etc/passwd", "a/b", "a\\b", ".hidden", "", "name\x00", "x" * 81, "café"]


@pytest.fixture(params=list(STORES))
def store(request, tmp_path) -> EvidenceStore:
    return STORES[request.param](tmp_path)


def test_a_saved_file_opens_with_the_same_bytes_and_size(store):
    data = files.pdf()

    name = store.save(data)

    assert checked_name(name) == name
    assert store.open(name) == data and store.size(name) == len(data)


def test_each_save_gets_a_new_unguessable_name(store):
    names = {store.save(b"same bytes") for _ in range(3)}

    assert len(names) == 3 and all(len(name) >= 32 for name in names)


def test_a_deleted_file_is_gone_and_deleting_again_is_fine(store):
    name = store.save(b"to be deleted")

    store.delete(name)
    store.delete(name)

    with pytest.raises(FileNotFoundError):
        store.open(name)


def test_a_missing_file_is_file_not_found(store):
    missing = secrets.token_hex(16)

    with pytest.raises(FileNotFoundError):
        store.open(missing)
    with pytest.raises(FileNotFoundError):
        store.size(missing)


@pytest.mark.parametrize("name", TRAVERSALS)
def test_a_name_that_could_leave_the_store_is_refused(store, name, tmp_path):
    (tmp_path / "secret").write_bytes(b"not evidence")

    for operation in (store.open, store.size, store.delete):
        with pytest.raises(StoredNameError):
            operation(name)
    assert (tmp_path / "secret").exists()


def test_the_local_folder_leaves_no_file_behind_when_a_save_fails(tmp_path, monkeypatch):
    store = LocalFolderStore(tmp_path / "uploads")

    def disk_full(handle, data):
        raise OSError("No space left on device")

    monkeypatch.setattr(storage, "_write_bytes", disk_full)
    with pytest.raises(OSError):
        store.save(b"never stored")

    assert list((tmp_path / "uploads").iterdir()) == []


def test_evidence_store_picks_the_configured_implementation(app, organisation, provider, provider_client):
    app.config["EVIDENCE_STORE"] = "tests.directory.evidence.test_store_contract:memory_store"

    document = storage.store_upload(file_storage(files.pdf(), "policy.pdf"), organisation, provider)

    chosen = storage.evidence_store()
    assert isinstance(chosen, MemoryStore) and list(chosen.files) == [document.stored_name]
    response = provider_client.get(f"/documents/{document.id}")
    assert response.status_code == 200 and response.data == files.pdf()
    assert not storage.document_path(document).exists()  # nothing went to the local folder


def test_an_unknown_evidence_store_is_refused_at_first_use(app):
    app.config["EVIDENCE_STORE"] = "cloud"

    with pytest.raises(RuntimeError, match="Unknown EVIDENCE_STORE 'cloud'"):
        storage.evidence_store()
