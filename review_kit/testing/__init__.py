"""Support shared by the tests and the benchmarks: a stand-in GitHub on 127.0.0.1.

Not used by the kit itself; it lives in the package so that ``bench/`` and
``tests/`` import the same code without reaching into each other's folders.
"""
