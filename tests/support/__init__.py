"""Helpers the tests import (``from support.svg import overlaps``): not tests themselves.

pytest puts tests/ on ``sys.path`` (its rootdir conftest.py lives there), so this
package imports as ``support`` from any test file.
"""
