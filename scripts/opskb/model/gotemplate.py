"""Does a Go text/template parse? What promtool asks of every label and annotation.

Prometheus expands labels and annotations of alerting rules as Go templates, and
`promtool check rules` refuses a rule whose template does not parse (an unclosed action,
an unknown function, an undefined variable, an `{{end}}` too many). This is a port of
the lexer and parser of Go's text/template/parse (Go 1.19, what Debian's promtool 2.42
is built with) reduced to the verdict: the same token rules, the same grammar, the same
checks at parse time, and the first error's message in Go's words. Nothing is executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Prometheus's template functions (template/template.go, 2.42) and Go's builtins; checked
# against promtool: each of these parses there, and nothing else does.
FUNCTIONS = frozenset(
    [
        "query",
        "first",
        "label",
        "value",
        "strvalue",
        "args",
        "reReplaceAll",
        "safeHtml",
        "match",
        "title",
        "toUpper",
        "toLower",
        "graphLink",
        "tableLink",
        "sortByLabel",
        "humanize",
        "humanize1024",
        "humanizeDuration",
        "humanizePercentage",
        "humanizeTimestamp",
        "toTime",
        "pathPrefix",
        "externalURL",
        "parseDuration",
        "stripPort",
        "stripDomain",
        "and",
        "call",
        "html",
        "index",
        "slice",
        "js",
        "len",
        "not",
        "or",
        "print",
        "printf",
        "println",
        "urlquery",
        "eq",
        "ge",
        "gt",
        "le",
        "lt",
        "ne",
    ]
)
# What Prometheus declares before the text it parses (rules/alerting.go, rulefmt).
PROMETHEUS_VARIABLES = ("$labels", "$externalLabels", "$externalURL", "$value")
KEYWORDS = frozenset(["block", "break", "continue", "define", "else", "end", "if", "range", "nil", "template", "with"])

_SPACE = " \t\r\n"
_NUMBER = re.compile(
    r"[+-]?(?:0[xX](?:_?[0-9a-fA-F])+(?:\.[0-9a-fA-F_]*)?(?:[pP][+-]?[0-9_]+)?|0[bB](?:_?[01])+|0[oO](?:_?[0-7])+"
    r"|(?:[0-9](?:_?[0-9])*)?\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?"
)
_ESCAPES = re.compile(r"""\\(?:[abfnrtv\\]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-3][0-7]{2}|(.))""")


class TemplateError(Exception):
    """The template does not parse; the message is Go's."""


@dataclass
class _Token:
    kind: str  # text, left, right, space, comment, eof, error, and action tokens below
    value: str


def _is_alnum(c: str) -> bool:
    return c == "_" or c.isalnum()


class _Lexer:
    """text/template/parse/lex.go, as a generator of tokens."""

    def __init__(self, text: str) -> None:
        self.text = text

    def tokens(self) -> Iterator[_Token]:
        text, pos, n = self.text, 0, len(self.text)
        while True:
            start = text.find("{{", pos)
            if start == -1:
                yield _Token("text", text[pos:])
                yield _Token("eof", "")
                return
            yield _Token("text", text[pos:start])
            pos = start + 2
            trim = text.startswith("-", pos) and pos + 1 < n and text[pos + 1] in _SPACE
            after = pos + (2 if trim else 0)
            if text.startswith("/*", after):
                end = text.find("*/", after + 2)
                if end == -1:
                    yield _Token("error", "unclosed comment")
                    return
                pos = end + 2
                right = self._right_delim(pos)
                if right is None:
                    yield _Token("error", "comment ends before closing delimiter")
                    return
                pos = right
                yield _Token("comment", "")
                continue
            yield _Token("left", "{{")
            pos = after
            depth = 0
            while True:
                right = self._right_delim(pos)
                if right is not None:
                    if depth:
                        yield _Token("error", "unclosed left paren")
                        return
                    yield _Token("right", "}}")
                    pos = right
                    break
                if pos >= n:
                    yield _Token("error", "unclosed action")
                    return
                c = text[pos]
                if c in _SPACE:
                    end = pos
                    while end < n and text[end] in _SPACE:
                        end += 1
                    if text.startswith("-}}", end):
                        end -= 1  # the last space begins the trim marker of " -}}"
                    if end > pos:
                        yield _Token("space", " ")
                    pos = end
                elif c == "=":
                    yield _Token("assign", "=")
                    pos += 1
                elif c == ":":
                    if not text.startswith(":=", pos):
                        yield _Token("error", "expected :=")
                        return
                    yield _Token("declare", ":=")
                    pos += 2
                elif c == "|":
                    yield _Token("pipe", "|")
                    pos += 1
                elif c in "\"'`":
                    token, pos = self._quoted(pos)
                    yield token
                    if token.kind == "error":
                        return
                elif c == "$" or (c == "." and not (pos + 1 < n and text[pos + 1].isdigit())):
                    end = self._word_end(pos + 1)
                    if not self._terminator(end):
                        yield _Token("error", f"bad character {text[end]!r}")
                        return
                    word = text[pos:end]
                    yield _Token("variable" if c == "$" else ("dot" if word == "." else "field"), word)
                    pos = end
                elif c in "+-." or c.isdigit():
                    match = _NUMBER.match(text, pos)
                    end = match.end() if match else pos
                    if end == pos or (end < n and _is_alnum(text[end])):
                        yield _Token("error", f"bad number syntax: {text[pos : max(end, pos + 1)]!r}")
                        return
                    yield _Token("number", text[pos:end])
                    pos = end
                elif _is_alnum(c):
                    end = self._word_end(pos)
                    if not self._terminator(end):
                        yield _Token("error", f"bad character {text[end]!r}")
                        return
                    word = text[pos:end]
                    kind = word if word in KEYWORDS else ("bool" if word in ("true", "false") else "identifier")
                    yield _Token(kind, word)
                    pos = end
                elif c == "(":
                    depth += 1
                    yield _Token("lparen", c)
                    pos += 1
                elif c == ")":
                    depth -= 1
                    if depth < 0:
                        yield _Token("error", "unexpected right paren")
                        return
                    yield _Token("rparen", c)
                    pos += 1
                elif c.isascii() and c.isprintable():
                    yield _Token("char", c)
                    pos += 1
                else:
                    yield _Token("error", f"unrecognized character in action: {c!r}")
                    return

    def _right_delim(self, pos: int) -> int | None:
        """Where the text goes on after a right delimiter at ``pos`` (None: none there)."""
        text = self.text
        if pos < len(text) and text[pos] in _SPACE and text.startswith("-}}", pos + 1):
            end = pos + 4
            while end < len(text) and text[end] in _SPACE:
                end += 1
            return end
        return pos + 2 if text.startswith("}}", pos) else None

    def _word_end(self, pos: int) -> int:
        """Where the run of letters, digits and underscores from ``pos`` ends."""
        while pos < len(self.text) and _is_alnum(self.text[pos]):
            pos += 1
        return pos

    def _terminator(self, pos: int) -> bool:
        return pos >= len(self.text) or self.text[pos] in _SPACE + ".,|:)(}"

    def _quoted(self, pos: int) -> tuple[_Token, int]:
        text, quote = self.text, self.text[pos]
        end = pos + 1
        while True:
            if end >= len(text) or (text[end] == "\n" and quote != "`"):
                names = {'"': "unterminated quoted string", "'": "unterminated character constant"}
                return _Token("error", names.get(quote, "unterminated raw quoted string")), end
            if text[end] == "\\" and quote != "`":
                if end + 1 >= len(text) or text[end + 1] == "\n":
                    names = {'"': "unterminated quoted string", "'": "unterminated character constant"}
                    return _Token("error", names[quote]), end
                end += 2
                continue
            if text[end] == quote:
                break
            end += 1
        value = text[pos : end + 1]
        kind = {'"': "string", "'": "charconst", "`": "rawstring"}[quote]
        return _Token(kind, value), end + 1


def _unquote_ok(token: _Token) -> bool:
    """strconv.Unquote (UnquoteChar for a character constant) would accept it."""
    if token.kind == "rawstring":
        return True
    body = token.value[1:-1]
    quote = token.value[0]
    for match in _ESCAPES.finditer(body):
        bad = match.group(1)
        if bad is not None and bad != quote:
            return False
    if "\\" in _ESCAPES.sub("", body):
        return False
    if quote == "'":
        return len(_ESCAPES.sub("x", body)) == 1
    return True


def _number_ok(text: str) -> bool:
    """strconv would read it: an integer (within 64 bits), a float, or an imaginary number."""
    digits = text.lstrip("+-").removesuffix("i")
    if not digits.strip("._") or "__" in digits or digits.endswith("_") or "._" in digits or "_." in digits:
        return False
    plain = digits.replace("_", "")
    hexadecimal = plain[:2].lower() == "0x"
    if not any(c in plain for c in (".pP" if hexadecimal else ".eE")):
        if re.fullmatch(r"0[0-7]+", plain):
            return True  # Go still reads a leading 0 as octal
        try:
            return abs(int(plain, 0)) < 2**64
        except ValueError:
            return False
    try:
        float.fromhex(plain) if hexadecimal else float(plain)
    except ValueError:
        return False
    return True


class _Parser:
    """text/template/parse/parse.go: the grammar, and the checks it makes while parsing."""

    def __init__(self, text: str) -> None:
        self.tokens = [t for t in _Lexer(text).tokens() if t.kind not in ("comment",)]
        self.at = 0
        self.vars: list[str] = ["$"]
        self.range_depth = 0

    def fail(self, message: str) -> None:
        raise TemplateError(message)

    def next(self) -> _Token:
        token = self.tokens[self.at] if self.at < len(self.tokens) else _Token("eof", "")
        self.at += 1
        if token.kind == "error":
            self.fail(token.value)
        return token

    def backup(self, count: int = 1) -> None:
        self.at -= count

    def peek(self) -> _Token:
        token = self.next()
        self.backup()
        return token

    def next_non_space(self) -> _Token:
        token = self.next()
        while token.kind == "space":
            token = self.next()
        return token

    def peek_non_space(self) -> _Token:
        """Go's peekNonSpace: the spaces before the token are consumed for good."""
        token = self.next_non_space()
        self.backup()
        return token

    def unexpected(self, token: _Token, context: str) -> None:
        self.fail(f"unexpected {token.value or token.kind!r} in {context}")

    def expect(self, kind: str, context: str) -> _Token:
        token = self.next_non_space()
        if token.kind != kind:
            self.unexpected(token, context)
        return token

    # ---------------------------------------------------------------- top level

    def parse(self) -> None:
        while self.peek().kind != "eof":
            if self.peek().kind == "left":
                start = self.at
                self.next()
                if self.next_non_space().kind == "define":
                    self.definition()
                    continue
                self.at = start
            node = self.text_or_action()
            if node in ("end", "else"):
                self.fail(f"unexpected {{{{{node}}}}}")

    def definition(self) -> None:
        token = self.next_non_space()
        if token.kind not in ("string", "rawstring"):
            self.unexpected(token, "define clause")
        self.expect("right", "define clause")
        outer, self.vars = self.vars, ["$"]
        end = self.item_list()
        self.vars = outer
        if end != "end":
            self.fail(f"unexpected {{{{{end}}}}} in define clause")

    def item_list(self) -> str:
        while self.peek_non_space().kind != "eof":
            node = self.text_or_action()
            if node in ("end", "else"):
                return node
        self.fail("unexpected EOF")
        return ""

    def text_or_action(self) -> str:
        token = self.next_non_space()
        if token.kind == "text":
            return "text"
        if token.kind == "left":
            return self.action()
        self.unexpected(token, "input")
        return ""

    def action(self) -> str:
        token = self.next_non_space()
        if token.kind in ("if", "range", "with"):
            return self.control(token.kind)
        if token.kind in ("break", "continue"):
            return self.loop_keyword(token.kind)
        if token.kind == "else":
            if self.peek_non_space().kind != "if":  # "else if": the if is the enclosing if's to parse
                self.expect("right", "else")
            return "else"
        if token.kind == "end":
            return self.end()
        if token.kind == "template":
            return self.template()
        if token.kind == "block":
            return self.block()
        self.backup()
        self.pipeline("command", "right")
        return "action"

    # ---------------------------------------------------------------- control

    def control(self, context: str) -> str:
        depth = len(self.vars)
        self.pipeline(context, "right")
        if context == "range":
            self.range_depth += 1
        end = self.item_list()
        if context == "range":
            self.range_depth -= 1
        if end == "else":
            if context == "if" and self.peek().kind == "if":
                self.next()
                self.control("if")  # {{else if}}: one {{end}} closes the chain
            elif self.item_list() != "end":
                self.fail("expected end; found {{else}}")
        del self.vars[depth:]
        return context

    def end(self) -> str:
        self.expect("right", "end")
        return "end"

    def loop_keyword(self, word: str) -> str:
        token = self.next_non_space()
        if token.kind != "right":
            self.unexpected(token, f"{{{{{word}}}}}")
        if not self.range_depth:
            self.fail(f"{{{{{word}}}}} outside {{{{range}}}}")
        return word

    def template_name(self, context: str) -> None:
        token = self.next_non_space()
        if token.kind not in ("string", "rawstring"):
            self.unexpected(token, context)
        if not _unquote_ok(token):
            self.fail("invalid syntax")

    def template(self) -> str:
        self.template_name("template clause")
        if self.next_non_space().kind != "right":
            self.backup()
            self.pipeline("template clause", "right")
        return "template"

    def block(self) -> str:
        self.template_name("block clause")
        self.pipeline("block clause", "right")
        outer, self.vars = self.vars, ["$"]
        end = self.item_list()
        self.vars = outer
        if end != "end":
            self.fail(f"unexpected {{{{{end}}}}} in block clause")
        return "block"

    # ---------------------------------------------------------------- pipelines

    def pipeline(self, context: str, end: str) -> None:
        first = self.peek_non_space()
        if first.kind == "variable":
            start = self.at
            self.next_non_space()
            after = self.peek_non_space()
            if after.kind in ("assign", "declare"):
                self.next_non_space()
                self.vars.append(first.value)
            elif after.kind == "char" and after.value == ",":
                self.next_non_space()
                self.vars.append(first.value)
                if context == "range" and self.peek_non_space().kind == "variable":
                    second = self.next_non_space()
                    if self.next_non_space().kind not in ("assign", "declare"):
                        self.fail("range can only initialize variables")
                    self.vars.append(second.value)
                else:
                    self.fail(f"too many declarations in {context}")
            else:
                self.at = start
        commands: list[str] = []
        while True:
            token = self.next_non_space()
            if token.kind == end:
                break
            if token.kind in (
                "bool", "charconst", "dot", "field", "identifier", "number", "nil",
                "rawstring", "string", "variable", "lparen",
            ):  # fmt: skip
                self.backup()
                commands.append(self.command())
            else:
                self.unexpected(token, context)
        if not commands:
            self.fail(f"missing value for {context}")
        for stage, first_kind in enumerate(commands[1:], start=2):
            if first_kind in ("bool", "dot", "nil", "number", "string", "rawstring", "charconst"):
                self.fail(f"non executable command in pipeline stage {stage}")

    def command(self) -> str:
        kinds: list[str] = []
        while True:
            self.peek_non_space()
            kind = self.operand()
            if kind:
                kinds.append(kind)
            token = self.next()
            if token.kind == "space":
                continue
            if token.kind in ("right", "rparen"):
                self.backup()
            elif token.kind != "pipe":
                self.unexpected(token, "operand")
            break
        if not kinds:
            self.fail("empty command")
        return kinds[0]

    def operand(self) -> str | None:
        kind = self.term()
        if kind is None:
            return None
        if self.peek().kind == "field":
            while self.peek().kind == "field":
                self.next()
            if kind in ("bool", "string", "rawstring", "number", "nil", "dot", "charconst"):
                self.fail("unexpected . after term")
            kind = "chain"
        return kind

    def term(self) -> str | None:
        token = self.next_non_space()
        if token.kind == "identifier":
            if token.value not in FUNCTIONS:
                self.fail(f'function "{token.value}" not defined')
            return "identifier"
        if token.kind == "variable":
            if token.value not in self.vars:
                self.fail(f'undefined variable "{token.value}"')
            return "variable"
        if token.kind in ("dot", "nil", "field", "bool"):
            return token.kind
        if token.kind == "number":
            if not _number_ok(token.value):
                self.fail(f"illegal number syntax: {token.value!r}")
            return "number"
        if token.kind in ("string", "rawstring", "charconst"):
            if not _unquote_ok(token):
                malformed = f"malformed character constant: {token.value}"
                self.fail(malformed if token.kind == "charconst" else "invalid syntax")
            return token.kind
        if token.kind == "lparen":
            self.pipeline("parenthesized pipeline", "rparen")
            return "pipeline"
        self.backup()
        return None


def template_error(text: str) -> str | None:
    """Why ``text`` is not a Go template Prometheus can parse, or None."""
    if "{{" not in text:
        return None
    defs = "".join(f"{{{{{name} := .{name[1].upper()}{name[2:]}}}}}" for name in PROMETHEUS_VARIABLES)
    try:
        _Parser(defs + text).parse()
    except TemplateError as err:
        return str(err)
    except IndexError:
        return "unexpected end of template"
    return None
