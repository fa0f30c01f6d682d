"""数据要素× 案例申报助手 — core package (no UI imports here)."""

__version__ = "0.1.0"
