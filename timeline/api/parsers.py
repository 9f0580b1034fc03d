"""Request parsers: DRF's, with JSON nested too deeply for Python's decoder refused as a 400.

Python's json module recurses once per nested array or object; a body of 100,000 ``[`` raises
RecursionError, which DRF's parser does not catch (it expects ValueError), so the client would get
a 500 for a few hundred kilobytes of brackets.
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - the document is nested too deeply.") from None
