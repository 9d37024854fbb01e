"""Compile-time policy for sandboxed code, on top of RestrictedPython's restrictions."""

from __future__ import annotations

import ast

from RestrictedPython.transformer import RestrictingNodeTransformer

# Operators that can build huge values from small inputs go through size-checked functions.
_GUARDED_OPERATORS: dict[type[ast.operator], str] = {
    ast.Mult: "_mul_",
    ast.Pow: "_pow_",
    ast.LShift: "_lshift_",
    ast.Add: "_add_",
    ast.Mod: "_mod_",
}


# Builtins that only serve introspection or I/O. They are not in the sandbox's builtins anyway;
# refusing them at compile time gives designers a clear message at deploy time.
_FORBIDDEN_NAMES = frozenset({
    "getattr", "setattr", "delattr", "hasattr", "globals", "locals", "vars", "dir", "eval",
    "exec", "compile", "open", "breakpoint", "input", "memoryview", "object", "super",
    "classmethod", "staticmethod", "property",
})


# str.format/format_map reach attributes through "{0.__class__}"; frame, code and generator
# attributes lead out of the sandbox. None of them is on any allow-list; refusing them here
# makes deploy validation report them.
_FORBIDDEN_ATTRS = frozenset({"format", "format_map", "mro"})
_FORBIDDEN_ATTR_PREFIXES = ("gi_", "cr_", "ag_", "f_", "co_", "tb_", "func_")


def _located(new: ast.expr, old: ast.AST) -> ast.expr:
    # Generated nodes need positions or compile() refuses the tree.
    return ast.fix_missing_locations(ast.copy_location(new, old))


class SandboxPolicy(RestrictingNodeTransformer):
    """RestrictedPython's transformer, stricter: no imports, classes, try or generators."""

    def _forbid(self, node: ast.AST, what: str) -> None:
        self.error(node, f"{what} is not allowed in process expressions.")

    def visit_Import(self, node: ast.Import) -> ast.AST:
        self._forbid(node, "import")
        return node

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.AST:
        self._forbid(node, "import")
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.AST:
        self._forbid(node, "class")
        return node

    # try/except could swallow the budget signal raised by the tracer; with/yield/global are
    # never needed in a gateway condition or a short script.
    def visit_Try(self, node: ast.Try) -> ast.AST:
        self._forbid(node, "try")
        return node

    def visit_With(self, node: ast.With) -> ast.AST:
        self._forbid(node, "with")
        return node

    def visit_Yield(self, node: ast.Yield) -> ast.AST:
        self._forbid(node, "yield")
        return node

    def visit_YieldFrom(self, node: ast.YieldFrom) -> ast.AST:
        self._forbid(node, "yield")
        return node

    def visit_Global(self, node: ast.Global) -> ast.AST:
        self._forbid(node, "global")
        return node

    def visit_Nonlocal(self, node: ast.Nonlocal) -> ast.AST:
        self._forbid(node, "nonlocal")
        return node

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> ast.AST:
        self._forbid(node, "async")
        return node

    def visit_Name(self, node: ast.Name) -> ast.AST:
        """Refuse introspection builtins such as getattr() by name."""
        if node.id in _FORBIDDEN_NAMES:
            self._forbid(node, f'"{node.id}"')
        return super().visit_Name(node)

    def visit_Attribute(self, node: ast.Attribute) -> ast.AST:
        """Refuse format/format_map and frame/code/generator attributes by name."""
        if node.attr in _FORBIDDEN_ATTRS or node.attr.startswith(_FORBIDDEN_ATTR_PREFIXES):
            self._forbid(node, f'".{node.attr}"')
        return super().visit_Attribute(node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        """Rewrite a * b (and **, <<, +, %) into a call of the matching guard function."""
        node = self.node_contents_visit(node)
        guard = _GUARDED_OPERATORS.get(type(node.op))
        if guard is None:
            return node
        call = ast.Call(func=ast.Name(guard, ast.Load()), args=[node.left, node.right], keywords=[])
        return _located(call, node)

    def visit_FormattedValue(self, node: ast.FormattedValue) -> ast.AST:
        """Route every f-string field through _format_ so widths like {x:>999999999} fail."""
        node = self.node_contents_visit(node)
        spec = node.format_spec if node.format_spec is not None else ast.Constant("")
        call = ast.Call(
            func=ast.Name("_format_", ast.Load()),
            args=[node.value, spec, ast.Constant(node.conversion)],
            keywords=[],
        )
        node.value = _located(call, node)
        node.conversion = -1
        node.format_spec = None
        return node
