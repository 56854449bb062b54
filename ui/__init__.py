"""The Streamlit layer, and the only package that imports streamlit: the data seam (data.py,
every cached read and the connection handling), shared widgets, charts, filters and access, the
Vendors page's tables (vendor_tables.py) and the Data page's upload (ingest_form.py), and the
page scripts in pages/ (widgets in, one call, render out; tests/test_layout.py keeps them so)."""
