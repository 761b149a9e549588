-- pgfence-test: path=migrations/0003_vendor.sql not-a-file=submodule
3f786850e387550fdab836ed7e6dc881de23001b
