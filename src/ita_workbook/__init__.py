"""ita-workbook: the yearly anti-corruption action plan of a Thai local government, from its
departments' workbooks to the official form."""

__version__ = "0.1.0"
