"""The wom-sim Streamlit dashboard (``wom dashboard``): app.py, pages/ and common.py."""
