"""Palette files (.gpl, .ase, .act, .csv): written atomically, re-read to the same colours."""

import os
import struct

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kmeans_gui.data import palette_files as pf

PALETTE = np.array([[0, 0, 0], [255, 255, 255], [12, 200, 77], [250, 128, 114], [1, 2, 3]], dtype=np.uint8)


@pytest.mark.parametrize("suffix", list(pf.PALETTE_FORMATS))
def test_every_format_re_reads_to_the_same_colours(tmp_path, suffix):
    path = tmp_path / f"palette{suffix}"
    pf.save_palette(path, PALETTE, counts=np.array([5, 4, 3, 2, 1]))
    np.testing.assert_array_equal(pf.load_palette(path), PALETTE)
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


@settings(max_examples=40, deadline=None)
@given(arrays(np.uint8, st.tuples(st.integers(1, 256), st.just(3))))
def test_any_palette_round_trips_through_the_bytes(palette):
    np.testing.assert_array_equal(pf.read_gpl(pf.gpl_text(palette)), palette)
    np.testing.assert_array_equal(pf.read_ase(pf.ase_bytes(palette)), palette)
    np.testing.assert_array_equal(pf.read_act(pf.act_bytes(palette)), palette)


def test_gpl_layout_is_what_gimp_reads():
    text = pf.gpl_text(PALETTE[:2], name="china\n16")
    assert text.splitlines() == ["GIMP Palette", "Name: china 16", "Columns: 2", "#",
                                 "  0   0   0\t#000000", "255 255 255\t#ffffff"]


def test_ase_layout_byte_by_byte():
    data = pf.ase_bytes(np.array([[255, 0, 0]], dtype=np.uint8))
    assert data[:12] == b"ASEF\x00\x01\x00\x00\x00\x00\x00\x01"
    kind, length = struct.unpack(">HI", data[12:18])
    assert kind == 1 and length == len(data) - 18
    assert struct.unpack(">H", data[18:20]) == (8,)  # "#ff0000" and its NUL, in UTF-16 units
    assert data[20:36].decode("utf-16-be") == "#ff0000\0"
    assert data[36:40] == b"RGB "
    assert struct.unpack(">3fH", data[40:54]) == (1.0, 0.0, 0.0, 2)


def test_act_is_772_bytes_with_the_count_and_no_transparency():
    data = pf.act_bytes(PALETTE)
    assert len(data) == 772 and data[:15] == PALETTE.tobytes()
    assert data[15:768] == bytes(753)
    assert struct.unpack(">HH", data[768:]) == (5, 0xFFFF)
    assert pf.read_act(data[:768]).shape == (256, 3)  # the short form holds all 256


def test_ase_grey_swatches_and_groups_are_read():
    def block(kind, body):
        return struct.pack(">HI", kind, len(body)) + body

    name = "g".encode("utf-16-be") + b"\0\0"
    grey = block(1, struct.pack(">H", 2) + name + b"Gray" + struct.pack(">fH", 0.5, 2))
    data = b"ASEF" + struct.pack(">HHI", 1, 0, 3) + block(0xC001, struct.pack(">H", 2) + name) + grey + block(0xC002, b"")
    np.testing.assert_array_equal(pf.read_ase(data), [[128, 128, 128]])


@pytest.mark.parametrize("reader, data, match", [
    (pf.read_ase, b"JUNK", "must start with 'ASEF'"),
    (pf.read_ase, b"ASEF\x00\x01\x00\x00\x00\x00\x00\x02\x00\x01", "truncated"),
    (pf.read_act, b"\x00" * 100, "768 or 772 bytes"),
    (pf.read_gpl, "not a palette", "GIMP Palette"),
    (pf.read_gpl, "GIMP Palette\n300 0 0\tx\n", "0..255"),
])
def test_damaged_files_raise_a_clear_error(reader, data, match):
    with pytest.raises(ValueError, match=match):
        reader(data)


def test_unknown_suffix_and_bad_palette(tmp_path):
    with pytest.raises(ValueError, match="ends in one of .gpl, .ase, .act, .csv"):
        pf.save_palette(tmp_path / "p.txt", PALETTE)
    with pytest.raises(ValueError, match="1 to 256 colours"):
        pf.save_palette(tmp_path / "p.gpl", np.zeros((0, 3), np.uint8))
    assert os.listdir(tmp_path) == []


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    path = tmp_path / "p.ase"
    path.write_bytes(b"old")

    def full_disk(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)  # fails after the new bytes were written
    with pytest.raises(OSError, match="No space"):
        pf.save_palette(path, PALETTE)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["p.ase"]
