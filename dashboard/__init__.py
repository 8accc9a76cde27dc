"""The wom-sim Streamlit dashboard (``wom dashboard``): app.py, views/ and common.py."""
