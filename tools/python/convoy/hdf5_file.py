"""Opening convoy's HDF5 files: checks that name the file and what is wrong, and the kind check."""

import os

import h5py

from . import file_format
from .errors import ConvoyError


def open_file(path, kinds):
    """Opens a convoy file read-only in SWMR mode (convoy may still be writing it) and checks that its
    root attribute `kind` is one of `kinds`. Returns the h5py.File (use it in a `with`)."""
    path = os.fspath(path)
    expected = " or ".join(kinds)
    if not os.path.exists(path):
        raise ConvoyError(path, "no such file")
    if os.path.isdir(path):
        raise ConvoyError(path, "is a directory, expected a file")
    try:
        is_hdf5 = h5py.is_hdf5(path)
    except OSError as error:
        raise ConvoyError(path, f"cannot read: {error}") from None
    if not is_hdf5:
        raise ConvoyError(path, f"not an HDF5 file (expected a convoy {expected} file)")
    handle = _open_swmr(path)
    found = attribute(handle, file_format.KIND)
    if found is None:
        handle.close()
        raise ConvoyError(path, f"not a convoy file (no root attribute 'kind'; expected kind '{expected}')")
    if found not in kinds:
        handle.close()
        raise ConvoyError(path, f"is a convoy {found} file, expected kind '{expected}'")
    return handle


def _open_swmr(path):
    # SWMR reading needs a file of the latest format, which convoy's series files are; a state file
    # (written whole, then renamed) or an older file may not be: it is complete, so read it plainly.
    try:
        return h5py.File(path, "r", swmr=True)
    except OSError:
        pass
    try:
        return h5py.File(path, "r")
    except OSError as error:
        raise ConvoyError(path, f"cannot open as HDF5: {error}") from None


def attribute(handle, name, default=None):
    """A root attribute, strings as str and numpy scalars as Python numbers."""
    value = handle.attrs.get(name, default)
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "item") and getattr(value, "ndim", 1) == 0:
        return value.item()
    return value


def required_attribute(handle, name):
    if name not in handle.attrs:
        raise ConvoyError(handle.filename, f"has no root attribute '{name}'")
    return attribute(handle, name)


def dataset(handle, name):
    if name not in handle:
        raise ConvoyError(handle.filename, f"has no dataset /{name}")
    return handle[name]
