"""The officer web app: HTML pages for officers and a JSON API under ``/api`` (FastAPI).

Routes parse what was asked, call one service function and show its result; the rules live in
the domain and services (``services/officer_views``, ``officer_actions``, ``officer_lists``,
``access``, ``audit``).
"""
