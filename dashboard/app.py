"""The wom-sim dashboard (``wom dashboard``): its pages, with "Compare scenarios" first.

The entry file only declares the navigation (:func:`dashboard.navigation.app_pages`) and
runs the chosen page: the compare page is :func:`dashboard.compare.page`, the others are
the files of dashboard/views/.
"""

from __future__ import annotations

import streamlit as st

from dashboard.navigation import app_pages

st.set_page_config(page_title="wom-sim", layout="wide")
st.navigation(app_pages()).run()
