"""
Factories every test can ask for by name, one module per app. tests/conftest.py
loads them as pytest plugins, so no test module imports a fixture.
"""
