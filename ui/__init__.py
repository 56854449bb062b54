"""The Streamlit layer, and the only package that imports streamlit: the data seam (data.py,
every cached read), shared widgets, charts, filters and access, and the page scripts in pages/."""
