"""Where the private files live: a folder of this machine, or an S3-compatible bucket chosen by environment.

On S3 every object is written with the private ACL and the storage never hands out a public address: the files
go out only through the application's own views, which check who asks (the certificate, application document
and evidence views) and stream the object from the bucket. Streaming rather than redirecting to a presigned URL
keeps one rule for both storages: the answer carries our headers (no-store, nosniff, the content type we
checked on upload), nothing a browser receives works without the session, and no address that opens the file
can be copied into a chat or a proxy log. The documents are small (UPLOAD_MAX_BYTES), so the relay costs little.
"""

from pathlib import Path

S3_BACKEND = "storages.backends.s3.S3Storage"
FILESYSTEM_BACKEND = "django.core.files.storage.FileSystemStorage"


def private_storage_setting(environ, *, location: Path) -> dict:
    """The STORAGES["private"] entry: S3 when S3_BUCKET is set, otherwise the folder `location`."""
    bucket = environ.get("S3_BUCKET", "").strip()
    if not bucket:
        return {"BACKEND": FILESYSTEM_BACKEND, "OPTIONS": {"location": str(location)}}
    return {
        "BACKEND": S3_BACKEND,
        "OPTIONS": {
            "bucket_name": bucket,
            # MinIO, Ceph, a cloud's S3-compatible service; empty for AWS itself.
            "endpoint_url": environ.get("S3_ENDPOINT_URL", "").strip() or None,
            "region_name": environ.get("S3_REGION", "").strip() or None,
            # Without keys boto3 looks for them itself (an instance role, ~/.aws, AWS_* variables).
            "access_key": environ.get("S3_ACCESS_KEY_ID", "").strip() or None,
            "secret_key": environ.get("S3_SECRET_ACCESS_KEY", "").strip() or None,
            # A folder inside the bucket, so one bucket can hold several installations.
            "location": environ.get("S3_PREFIX", "private").strip().strip("/"),
            "default_acl": "private",
            # Every name is random already (registry.models.private_upload_path); never replace an object.
            "file_overwrite": False,
            # url() is never used for these files; if some code ever calls it, the address is signed and short.
            "querystring_auth": True,
            "querystring_expire": 60,
            "signature_version": "s3v4",
            "custom_domain": None,
            "object_parameters": {"CacheControl": "private, no-store"},
            # A file read from the bucket (a document being served, a purchase file being imported) stays in
            # memory up to this size and goes to a temporary file beyond it.
            "max_memory_size": 2 * 1024 * 1024,
        },
    }


def private_storage_is_local(storage) -> bool:
    """True when the private files are a folder of this machine (backups then archive them)."""
    from django.core.files.storage import FileSystemStorage

    return isinstance(storage, FileSystemStorage)
