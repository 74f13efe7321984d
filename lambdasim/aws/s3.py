"""S3 read operations on the simulated buckets (the S3 on-failure destination): ListObjectsV2 and
GetObject.

Each record Lambda wrote is an object under ``aws/lambda/async/<function>/YYYY/MM/DD/...`` (spec
§6, the key :mod:`lambdasim.engine.destinations` gives it), its body the record's JSON. Choices
where AWS is silent: the object's ``ContentType`` is ``application/json`` and it has no user
metadata; ``LastModified`` is the virtual instant of the delivery, to the millisecond. A ``Range``
or ``PartNumber`` read is refused as not simulated rather than answered with the whole object.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any
from urllib.parse import quote

from botocore.response import StreamingBody

from lambdasim.model.rules import S3_MAX_KEYS, check_max_keys, no_such_bucket, no_such_key, not_simulated

__all__ = ["HANDLERS"]

CONTENT_TYPE = "application/json"


def _bucket(view: Any, name: str) -> Any:
    bucket = view.find(f"arn:aws:s3:::{name}", "s3")
    if bucket is None:
        raise no_such_bucket(name)
    return bucket


def _data(message: Any) -> bytes:
    body = message.body
    return body.encode() if isinstance(body, str) else bytes(body)


def _etag(data: bytes) -> str:
    return f'"{hashlib.md5(data).hexdigest()}"'


def _modified(view: Any, message: Any) -> Any:
    moment = view.wall_time(message.sent_at)
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


def list_objects_v2(view: Any, params: dict) -> dict:
    bucket = _bucket(view, params["Bucket"])
    prefix = params.get("Prefix", "")
    delimiter = params.get("Delimiter")
    max_keys = params.get("MaxKeys", S3_MAX_KEYS)
    check_max_keys(max_keys)
    page_size = min(max_keys, S3_MAX_KEYS)
    after = max(params.get("StartAfter", ""), params.get("ContinuationToken", ""))
    # S3 quotes keys (and the echoed prefix, delimiter, start-after) with EncodingType=url; boto3 asks
    # for it and unquotes the answer.
    url_encoded = params.get("EncodingType") == "url"

    def encode(text: str) -> str:
        return quote(text, safe="/") if url_encoded else text

    objects = sorted((m.attributes["Key"], m) for m in bucket.messages
                     if m.attributes["Key"].startswith(prefix))
    entries: list[tuple[str, Any]] = []   # (key or common prefix, message or None), in key order
    for key, message in objects:
        if key <= after:
            continue
        if delimiter and delimiter in key[len(prefix):]:
            common = key[:key.index(delimiter, len(prefix)) + len(delimiter)]
            if entries and entries[-1][0] == common or common <= after:
                continue
            entries.append((common, None))
        else:
            entries.append((key, message))
    # MaxKeys 0 lists nothing and is not truncated (there would be no token to go on from).
    taken, truncated = entries[:page_size], bool(page_size) and len(entries) > page_size
    contents = [{"Key": encode(key), "LastModified": _modified(view, m), "ETag": _etag(_data(m)),
                 "Size": len(_data(m)), "StorageClass": "STANDARD"} for key, m in taken if m is not None]
    output: dict[str, Any] = {"IsTruncated": truncated, "Name": bucket.name, "Prefix": encode(prefix),
                              "MaxKeys": max_keys, "KeyCount": len(taken)}
    if contents:
        output["Contents"] = contents
    commons = [{"Prefix": encode(key)} for key, m in taken if m is None]
    if commons:
        output["CommonPrefixes"] = commons
    for name in ("Delimiter", "StartAfter"):
        if name in params:
            output[name] = encode(params[name])
    for name in ("EncodingType", "ContinuationToken"):
        if name in params:
            output[name] = params[name]
    if truncated:
        output["NextContinuationToken"] = taken[-1][0]
    return output


def get_object(view: Any, params: dict) -> dict:
    for name in ("Range", "PartNumber"):
        if name in params:
            raise not_simulated("s3", f"GetObject with {name}",
                                ("GetObject of a whole object", "ListObjectsV2"))
    bucket = _bucket(view, params["Bucket"])
    for message in bucket.messages:
        if message.attributes["Key"] == params["Key"]:
            data = _data(message)
            return {"Body": StreamingBody(io.BytesIO(data), len(data)), "AcceptRanges": "bytes",
                    "LastModified": _modified(view, message), "ContentLength": len(data), "ETag": _etag(data),
                    "ContentType": CONTENT_TYPE, "Metadata": {}}
    raise no_such_key(params["Key"])


HANDLERS = {"ListObjectsV2": list_objects_v2, "GetObject": get_object}
