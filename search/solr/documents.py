"""Articles as SolrCloud documents, and back; the metadata document.

Each article's text goes to the stored display fields (``title``, ``body``,
``comments``) and, for search, to the stemmed fields of its language chain:
``*_fr`` for articles in the French chain, ``*_folded`` for the others
(:data:`search.analysis.FRENCH_CHAIN_LANGS`), as the Whoosh engine analyses
each article with its own chain. The configset copies ``title`` and ``body``
into the exact-form fields.
"""
from __future__ import annotations

import json
from datetime import datetime

from ..analysis import FRENCH_CHAIN_LANGS
from ..facets import month_number
from ..record import Record

META_ID = "_manchette_meta"       # the one document that is not an article: the index metadata
NOT_META = f"-id:{META_ID}"
STORED = ("id,title,body,comments,comment_count,source,source_name,published,date_text,url,lang,person,topic,"
          "tags,section,author,origin,content_hash,agency,group,representative,fingerprint")
SUMMARY = "id,title,body,source,published,date_text,url,lang,person,topic,agency,group"   # lists show a title, derived from the body if none


def solr_document(record: Record) -> dict:
    suffix = "_fr" if record.lang in FRENCH_CHAIN_LANGS else "_folded"
    document = {
        "id": record.id, "title": record.title, "body": record.body, "comments": record.comments,
        f"title{suffix}": record.title, f"body{suffix}": record.body, f"comments{suffix}": record.comments,
        "comment_count": record.comment_count, "source": record.source, "source_name": record.source_name,
        "date_text": record.date_text, "url": record.url, "lang": record.lang, "person": record.person,
        "person_names": record.person_names, "topic": record.topic, "tags": record.tags,
        "section": record.section, "author": record.author, "origin": record.origin,
        "content_hash": record.content_hash, "agency": record.agency, "group": record.group,
        "representative": record.representative, "fingerprint": record.fingerprint,
        "story": record.group or record.id,
    }
    if record.published is not None:
        document["published"] = record.published.strftime("%Y-%m-%dT%H:%M:%SZ")
        document["month"] = month_number(record.published.date())
    return {k: v for k, v in document.items() if v not in ("", [], None)}


def record_of_document(document: dict) -> Record:
    published = document.get("published")
    return Record(
        id=document["id"], title=document.get("title", ""), body=document.get("body", ""),
        comments=document.get("comments", ""), comment_count=document.get("comment_count", 0),
        source=document.get("source", ""), source_name=document.get("source_name", ""),
        published=datetime.strptime(published[:19], "%Y-%m-%dT%H:%M:%S") if published else None,
        date_text=document.get("date_text", ""), url=document.get("url", ""), lang=document.get("lang", "und"),
        person=document.get("person", []), topic=document.get("topic", []), tags=document.get("tags", []),
        section=document.get("section", ""), author=document.get("author", ""),
        origin=document.get("origin", ""), content_hash=document.get("content_hash", ""),
        agency=document.get("agency", []), group=document.get("group", ""),
        representative=bool(document.get("representative")), fingerprint=document.get("fingerprint", ""))


def meta_document(meta: dict) -> dict:
    return {"id": META_ID, "meta_json": json.dumps(meta, ensure_ascii=False)}


def meta_of_document(document: dict | None) -> dict:
    return json.loads(document["meta_json"]) if document and document.get("meta_json") else {}
