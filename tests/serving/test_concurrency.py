"""Concurrent requests on real uvicorn: right answers to the right callers, probes stay responsive."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

CASES = {
    "Dドライブの容量を増やす手順を知りたい": 17,
    "ポータルのパスワードを失念したのでリセットしてほしい": 7,
    "固定回線の申込にはどのくらい期間がかかりますか": 33,
    "How can I change the disk size of a virtual server?": 17,
}


def test_parallel_chats_and_streams(live_url: str) -> None:
    def chat(question: str) -> tuple[str, int, str]:
        r = httpx.post(f"{live_url}/api/chat", json={"question": question}, timeout=120)
        assert r.status_code == 200, r.text
        return question, r.json()["citations"][0]["no"], r.json()["request_id"]

    def stream(question: str) -> tuple[str, int, str]:
        r = httpx.post(f"{live_url}/api/chat/stream", json={"question": question}, timeout=120)
        body = r.text
        done = body.rsplit("event: done\ndata: ", 1)[1]
        reply = httpx.Response(200, content=done.strip()).json()
        return question, reply["reply"]["citations"][0]["no"], reply["request_id"]

    questions = list(CASES) * 3
    with ThreadPoolExecutor(max_workers=8) as pool:
        futures = [pool.submit(chat if i % 2 else stream, q) for i, q in enumerate(questions)]
        # The event loop is not busy with retrieval: probes answer while the work runs.
        assert httpx.get(f"{live_url}/healthz", timeout=30).status_code == 200
        results = [f.result() for f in futures]
    assert all(no == CASES[q] for q, no, _ in results)
    assert len({rid for _, _, rid in results}) == len(results)
