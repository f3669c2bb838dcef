"""The API's JSON reader: DRF's, with bodies nested too deep refused as malformed (400), not a
RecursionError (500: a body nested 100,000 levels deep did that)."""

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser


class ApiJsonParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError("JSON parse error - the body is nested too deep.") from exc
