"""The Python baseline of issue 13's POST /task bar: Starlette + pydantic on one uvicorn worker.

It answers POST /task with the sample search agent's search (the same corpus and the same
matching as dev.agentweave.samples.SearchAgent), validating the request and shaping the answer
with pydantic, as a Python agent served by Starlette would. Plain HTTP, no authorization, no audit.

    /usr/bin/python3 -m uvicorn --app-dir tools/starlette app:app --port 18090 --workers 1 \\
        --no-access-log --log-level warning

Debian's packages (python3-starlette python3-uvicorn python3-pydantic) are what it was measured
with; docs/benchmarks.md has the command that drives it beside the gateway.
"""

from typing import List

from pydantic import BaseModel, Field, ValidationError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

CORPUS = [
    "Pekko actors process messages one at a time",
    "SPIFFE identities name every workload",
    "Mutual TLS authenticates both ends of a connection",
    "A decision cache keeps authorization fast",
    "Connection pools reuse TCP connections",
    "Backpressure keeps a system responsive under load",
    "Test query planning and execution",
    "Circuit breakers stop cascading failures",
]
# lower-cased once, as the Java sample does
LOWER_CORPUS = [doc.lower() for doc in CORPUS]


class SearchRequest(BaseModel):
    action: str
    query: str = Field(..., min_length=1)
    limit: int = Field(..., ge=1, le=100)


class SearchResult(BaseModel):
    query: str
    hits: List[str]
    total: int


def search(req: SearchRequest) -> SearchResult:
    words = req.query.lower().split()
    hits = [doc for doc, low in zip(CORPUS, LOWER_CORPUS) if any(w in low for w in words)]
    return SearchResult(query=req.query, hits=hits[: req.limit], total=len(hits))


async def task(request: Request) -> Response:
    try:
        req = SearchRequest.parse_raw(await request.body())
    except ValidationError as e:
        return JSONResponse({"error": "invalid_request", "message": str(e)}, status_code=400)
    if req.action != "search":
        return JSONResponse({"error": "not_found", "message": req.action}, status_code=404)
    return Response(search(req).json(), media_type="application/json")


app = Starlette(routes=[Route("/task", task, methods=["POST"])])
