"""A map that forgets the least recently used entries once their total size passes a bound: the
memory budget of the site's memos (answers kept as bytes)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class BytesLRU(Generic[V]):
    def __init__(self, max_bytes: int, max_item: int, size: Callable[[V], int]):
        self.max_bytes = max_bytes
        self.max_item = max_item  # larger values are not kept at all
        self._size_of = size
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: V) -> None:
        if self._size_of(value) > self.max_item:
            return
        with self._lock:
            self._pop(key)
            self._items[key] = value
            self._size += self._size_of(value)
            while self._size > self.max_bytes and self._items:
                self._pop(next(iter(self._items)))

    def pop(self, key: Hashable) -> None:
        with self._lock:
            self._pop(key)

    def _pop(self, key: Hashable) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self._size -= self._size_of(old)

    def __len__(self) -> int:
        return len(self._items)
