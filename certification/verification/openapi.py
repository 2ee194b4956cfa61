"""The OpenAPI 3.1 description of the public verification API, served at /api/openapi.json.
Its `VerificationRecord` schema is the shape of `services.public_record`; a test validates
real responses against it, so the two cannot drift apart unnoticed."""

from __future__ import annotations

from django.conf import settings

from lms.site import absolute_url

STATES = ["valid", "expired", "revoked", "replaced", "not_yet_valid", "suspended"]

DATE = {"type": "string", "format": "date"}
NULLABLE_DATE = {"type": ["string", "null"], "format": "date"}

RECORD = {
    "type": "object",
    "description": "Everything the public may know about a certificate, and nothing else: "
    "never an email address, a reason for a revocation, or anything about the holder's "
    "lived experience or health.",
    "required": [
        "code",
        "status",
        "holder_name",
        "basis",
        "credential",
        "alignment_statement",
        "aligned_to",
        "issuing_organisation",
        "issued_on",
        "expires_on",
        "replaced_by",
        "verification_url",
        "kind",
        "course",
    ],
    "additionalProperties": False,
    "properties": {
        "code": {
            "type": "string",
            "pattern": "^[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){4}$",
            "description": "The verification code in groups of five, as printed.",
            "examples": ["7KQ2M-9XD4R-TB6WE-3HNPA-5CJ8F"],
        },
        "status": {
            "type": "object",
            "required": ["state", "label", "date"],
            "additionalProperties": False,
            "properties": {
                "state": {"type": "string", "enum": STATES},
                "label": {"type": "string", "description": "The state in words."},
                "date": {
                    **NULLABLE_DATE,
                    "description": "The date that goes with the state: expiry (valid, "
                    "expired), revocation, replacement, or the first valid day (not_yet_valid).",
                },
            },
        },
        "holder_name": {
            "type": ["string", "null"],
            "description": "The name as printed. Null once the holder's data was erased "
            "(the status and dates still answer).",
        },
        "basis": {
            "type": "object",
            "description": "What was certified, from the basis recorded at issue.",
            "required": [
                "every_requirement_met",
                "statement",
                "recognised_prior_learning",
                "met_through_prior_learning",
                "decided_on",
            ],
            "additionalProperties": False,
            "properties": {
                "every_requirement_met": {
                    "type": "boolean",
                    "description": "True: every requirement was met on Peerpath. False: a "
                    "registrar awarded it with some requirements recognised from prior "
                    "learning.",
                },
                "statement": {"type": "string", "description": "The basis in one sentence."},
                "recognised_prior_learning": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The requirements granted on recognition of prior "
                    "learning (not assessed on Peerpath).",
                },
                "met_through_prior_learning": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "Requirements met through recognised prior learning: an "
                    "assessor accepted the holder's evidence for each, one requirement at a "
                    "time (the certificate still counts as every requirement met).",
                },
                "decided_on": {
                    **NULLABLE_DATE,
                    "description": "The day a registrar decided the recognition, if any.",
                },
            },
        },
        "credential": {
            "type": "object",
            "required": ["code", "title", "version"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string"},
                "title": {"type": "string"},
                "version": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "The credential's version; for a course certificate, the "
                    "version of the course's approved contact hours (0: none approved).",
                },
            },
        },
        "alignment_statement": {"type": "string"},
        "aligned_to": {
            "type": "array",
            "description": "Framework competencies the credential is aligned to (never "
            "'approved by'), each with its public page.",
            "items": {
                "type": "object",
                "required": ["code", "title", "url"],
                "additionalProperties": False,
                "properties": {
                    "code": {"type": "string"},
                    "title": {"type": "string"},
                    "url": {"type": "string"},
                },
            },
        },
        "issuing_organisation": {"type": "string"},
        "issued_on": DATE,
        "expires_on": {**NULLABLE_DATE, "description": "Null: the certificate does not expire."},
        "replaced_by": {
            "type": ["object", "null"],
            "required": ["code", "url"],
            "additionalProperties": False,
            "properties": {
                "code": {"type": "string"},
                "url": {"type": "string", "format": "uri"},
            },
        },
        "verification_url": {"type": "string", "format": "uri"},
        "kind": {
            "type": "string",
            "enum": ["credential", "course"],
            "description": "A credential's certificate, or a certificate of completion of a "
            "course (then `credential` names the course as approved).",
        },
        "course": {
            "type": ["object", "null"],
            "description": "For a course certificate: the contact hours as approved when the "
            "course was completed, the dates attended and the provider. Null otherwise.",
            "required": ["contact_hours", "attended_from", "attended_to", "provider"],
            "additionalProperties": False,
            "properties": {
                "contact_hours": {
                    "type": ["object", "null"],
                    "required": [
                        "total",
                        "delivery",
                        "delivery_label",
                        "face_to_face",
                        "by_domain",
                    ],
                    "additionalProperties": False,
                    "properties": {
                        "total": {"type": "string", "description": "Hours, as a decimal."},
                        "delivery": {
                            "type": "string",
                            "enum": ["self_paced", "live_online", "in_person", "blended"],
                        },
                        "delivery_label": {"type": "string"},
                        "face_to_face": {"type": "string"},
                        "by_domain": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["key", "title", "hours"],
                                "additionalProperties": False,
                                "properties": {
                                    "key": {
                                        "type": "string",
                                        "description": "<framework>/<domain code>",
                                    },
                                    "title": {"type": "string"},
                                    "hours": {"type": "string"},
                                },
                            },
                        },
                    },
                },
                "attended_from": NULLABLE_DATE,
                "attended_to": NULLABLE_DATE,
                "provider": {
                    "type": "object",
                    "required": ["name", "approvals"],
                    "additionalProperties": False,
                    "properties": {
                        "name": {"type": "string"},
                        "approvals": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "required": ["body", "number"],
                                "additionalProperties": False,
                                "properties": {
                                    "body": {"type": "string"},
                                    "number": {"type": "string"},
                                },
                            },
                        },
                    },
                },
            },
        },
    },
}

ERROR = {
    "type": "object",
    "required": ["error", "detail"],
    "properties": {
        "error": {"type": "string", "enum": ["not_found", "rate_limited"]},
        "detail": {"type": "string"},
        "retry_after": {"type": "integer", "minimum": 1},
    },
}


def _responses(found: str) -> dict:
    return {
        "200": {
            "description": found,
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/VerificationRecord"}}
            },
        },
        "404": {
            "description": "No certificate to show. Unknown, malformed and hidden codes get "
            "this same response, so a code cannot be confirmed by probing.",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
        "429": {
            "description": "Too many lookups from this address; wait Retry-After seconds.",
            "headers": {"Retry-After": {"schema": {"type": "integer"}}},
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        },
    }


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Peerpath certificate verification",
            "version": "1.0.0",
            "description": "Check a Peerpath certificate without an account. Lookups are "
            f"rate-limited per client address (by default {settings.PEERPATH_VERIFY_RATE_LIMIT} "
            f"per {settings.PEERPATH_VERIFY_RATE_WINDOW} seconds). Responses are never cached "
            "(Cache-Control: no-store). The signed Open Badges 3.0 credential and the "
            "revocation status list are published under /issuer/.",
        },
        "servers": [{"url": absolute_url()}],
        "jsonSchemaDialect": "https://json-schema.org/draft/2020-12/schema",
        "paths": {
            "/verify/{code}.json": {
                "get": {
                    "operationId": "verifyCertificate",
                    "summary": "A certificate's public record and status, by its code",
                    "parameters": [
                        {
                            "name": "code",
                            "in": "path",
                            "required": True,
                            "description": "The 25-character code, with or without dashes; "
                            "case-insensitive; O is read as 0, I and L as 1.",
                            "schema": {"type": "string"},
                        }
                    ],
                    "responses": _responses("The certificate's public record."),
                }
            },
            "/verify/pdf/{sha256}.json": {
                "get": {
                    "operationId": "verifyPdf",
                    "summary": "Whether a PDF is byte for byte a certificate we issued",
                    "description": "Compute the SHA-256 of the PDF file yourself; an edited "
                    "or re-saved PDF has another digest and is not found.",
                    "parameters": [
                        {
                            "name": "sha256",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
                        }
                    ],
                    "responses": _responses("The public record of the certificate it is."),
                }
            },
        },
        "components": {"schemas": {"VerificationRecord": RECORD, "Error": ERROR}},
    }
