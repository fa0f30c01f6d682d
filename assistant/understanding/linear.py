"""A trained linear classifier, as shipped data: weights in an .npz, inference in numpy.

Training (``assistant.understanding.training``, scikit-learn) happens at development time on the
committed labelled sets; the product only multiplies. Keeping inference to a dot product means no
training library at run time and a few microseconds per message after the encoder.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict

from assistant.core.errors import InstallationError
from assistant.understanding.features import FeatureBlock


class LinearModel(BaseModel):
    """Logistic regression over [dense | sparse] features; ``classes`` name the output columns."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    classes: list[str]
    coef_dense: np.ndarray  # (k, dense_dim)
    coef_sparse: np.ndarray  # (k, HASH_DIM)
    intercept: np.ndarray  # (k,)
    dense_scale: float = 1.0
    sparse_scale: float = 1.0
    threshold: float = 0.5  # binary models: the decision threshold chosen on development data

    def logits(self, block: FeatureBlock) -> np.ndarray:
        out = (block.dense * self.dense_scale) @ self.coef_dense.T + self.intercept
        for row, grams in enumerate(block.sparse):
            if grams:
                index = np.fromiter(grams.keys(), dtype=np.int64)
                values = np.fromiter(grams.values(), dtype=np.float32) * self.sparse_scale
                out[row] += self.coef_sparse[:, index] @ values
        return out

    def probabilities(self, block: FeatureBlock) -> np.ndarray:
        """(n, k) class probabilities; a binary model gives (n,) probabilities of its positive class."""
        logits = self.logits(block)
        if logits.shape[1] == 1:
            return 1.0 / (1.0 + np.exp(-logits[:, 0]))
        logits = logits - logits.max(axis=1, keepdims=True)
        exp = np.exp(logits)
        return exp / exp.sum(axis=1, keepdims=True)

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            classes=np.asarray(self.classes),
            coef_dense=self.coef_dense.astype(np.float32),
            coef_sparse=self.coef_sparse.astype(np.float16),
            intercept=self.intercept.astype(np.float32),
            scales=np.asarray([self.dense_scale, self.sparse_scale, self.threshold], dtype=np.float64),
        )

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        try:
            data = np.load(path, allow_pickle=False)
        except (OSError, ValueError) as exc:
            raise InstallationError(
                f"理解模型文件缺失或损坏：{path.name}。请重新安装，或运行 case-assistant train-understanding。"
            ) from exc
        dense_scale, sparse_scale, threshold = (float(x) for x in data["scales"])
        return cls(
            classes=[str(c) for c in data["classes"]],
            coef_dense=data["coef_dense"].astype(np.float32),
            coef_sparse=data["coef_sparse"].astype(np.float32),
            intercept=data["intercept"].astype(np.float32),
            dense_scale=dense_scale,
            sparse_scale=sparse_scale,
            threshold=threshold,
        )
