"""The ctypes table in _ffi.py must match every SR_API declaration of sparouter.h."""
import ctypes
import re

from sparouter import _ffi

C_TO_CTYPES = {
    "int": ctypes.c_int, "unsigned int": ctypes.c_uint, "size_t": ctypes.c_size_t,
    "int64_t": ctypes.c_int64, "uint64_t": ctypes.c_uint64, "void": None,
    "const char *": ctypes.c_char_p, "sr_str": _ffi.sr_str,
}
OPAQUE = {"sr_router", "sr_decision"}
STRUCTS = {"sr_buf": _ffi.sr_buf, "sr_error": _ffi.sr_error, "sr_str": _ffi.sr_str,
           "sr_router_options": _ffi.sr_router_options, "sr_decision_info": _ffi.sr_decision_info,
           "sr_candidate": _ffi.sr_candidate}


def declarations(header):
    text = re.sub(r"/\*.*?\*/", "", header, flags=re.S)
    for m in re.finditer(r"SR_API\s+([^;(]+?)\s*\b(sr_\w+)\s*\(([^)]*)\)\s*;", text, flags=re.S):
        ret, name, params = m.group(1), m.group(2), m.group(3)
        params = [] if params.strip() in ("", "void") else [p.strip() for p in params.split(",")]
        yield name, ret.strip(), params


def c_type(decl):
    """The ctypes type for a C type without a parameter name ("const char *", "sr_router **")."""
    decl = " ".join(decl.replace("*", " * ").split())
    stars = decl.count("*")
    base = decl.replace("*", "").replace("const ", "").strip()
    if stars == 0:
        return C_TO_CTYPES[base]
    if base == "char" and stars == 1:
        return ctypes.c_char_p
    if stars == 2 and base in OPAQUE:
        return ctypes.POINTER(ctypes.c_void_p)
    if stars == 1 and base in OPAQUE:
        return ctypes.c_void_p
    if stars == 1 and base in STRUCTS:
        return ctypes.POINTER(STRUCTS[base])
    raise AssertionError(f"unmapped C type: {decl}")


def strip_name(param):
    param = " ".join(param.split())
    return re.sub(r"\s*\b\w+$", "", param) if not param.endswith("*") else param


def test_every_function_is_declared_alike(header_text):
    seen = set()
    for name, ret, params in declarations(header_text):
        seen.add(name)
        assert name in _ffi.FUNCTIONS, f"{name} is in sparouter.h but not in _ffi.FUNCTIONS"
        restype, argtypes = _ffi.FUNCTIONS[name]
        assert c_type(ret) == restype, f"{name}: return type {ret}"
        assert len(params) == len(argtypes), f"{name}: {len(params)} parameters in the header"
        for p, t in zip(params, argtypes):
            want = c_type(strip_name(p))
            assert want == t, f"{name}: parameter '{p}' is {want}, _ffi says {t}"
    assert seen == set(_ffi.FUNCTIONS), f"only in _ffi: {set(_ffi.FUNCTIONS) - seen}"
    assert len(seen) >= 20


def test_struct_layouts_follow_the_header(header_text):
    text = re.sub(r"/\*.*?\*/", "", header_text, flags=re.S)
    for name, cls in STRUCTS.items():
        m = re.search(r"typedef struct " + name + r"\s*\{(.*?)\}\s*" + name + ";", text, re.S)
        assert m, name
        fields = []
        for line in m.group(1).split(";"):
            line = " ".join(line.split())
            if not line:
                continue
            fm = re.search(r"\(\s*\*\s*(\w+)\s*\)", line)  # a callback: SR_CALLBACK(name) expands
            if "SR_CALLBACK" in line:
                fm = re.search(r"SR_CALLBACK\((\w+)\)", line)
            fields.append(fm.group(1) if fm else re.findall(r"\w+", line)[-1])
        assert [f[0] for f in cls._fields_] == fields, name
