"""Private files on S3-compatible storage, for real against moto's S3 server (no mock of boto3 itself)."""

import os
import socket
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import boto3
import pytest
from django.core.files.storage import FileSystemStorage
from moto.server import ThreadedMotoServer
from storages.backends.s3 import S3Storage

from config.private_storage import private_storage_setting
from registry.models import Certificate
from tests import factories
from tests.conftest import client_for

BASE_DIR = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_server():
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


@pytest.fixture
def s3_environ(s3_server, request):
    bucket = f"private-{request.node.name.lower().replace('_', '-')[:40]}"
    environ = {
        "S3_BUCKET": bucket, "S3_ENDPOINT_URL": s3_server, "S3_REGION": "us-east-1",
        "S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret",
    }
    client = boto3.client(
        "s3", endpoint_url=s3_server, region_name="us-east-1",
        aws_access_key_id="test-key", aws_secret_access_key="test-secret",
    )
    client.create_bucket(Bucket=bucket)
    return environ, client


@pytest.fixture
def s3_private_storage(s3_environ, monkeypatch):
    """Every private FileField writes to and reads from the moto bucket, as with S3_BUCKET set in production."""
    from django.apps import apps

    environ, client = s3_environ
    setting = private_storage_setting(environ, location=Path("/unused"))
    storage = S3Storage(**setting["OPTIONS"])
    for model in apps.get_models():
        for field in model._meta.fields:
            if getattr(field, "_storage_callable", None) is not None:
                monkeypatch.setattr(field, "storage", storage)
    monkeypatch.setattr("registry.backup.storages", {"private": storage})
    return storage, environ["S3_BUCKET"], client


def certificate_data():
    today = date.today()
    return {
        "cert_type": "iso9001", "number": "CQC-2025-001", "issuer": "China Quality Certification Centre",
        "valid_from": (today - timedelta(days=30)).isoformat(),
        "valid_until": (today + timedelta(days=700)).isoformat(),
    }


@pytest.mark.django_db
class TestCertificatesOnS3:
    def test_uploaded_certificate_is_a_private_object_served_only_to_its_company(
        self, s3_private_storage, supplier_x, supplier_y, company_x, official, private_media
    ):
        storage, bucket, client = s3_private_storage
        scan = factories.document_upload("pdf", size=5000)
        response = client_for(supplier_x).post("/my/certificates/new/", {**certificate_data(), "document": scan})
        assert response.status_code == 302
        certificate = Certificate.objects.get(company=company_x)

        # In the bucket, under the prefix, with the private ACL; nothing on the local disk.
        key = f"private/{certificate.document.name}"
        stored = client.get_object(Bucket=bucket, Key=key)
        assert stored["Body"].read().startswith(b"%PDF-")
        grants = client.get_object_acl(Bucket=bucket, Key=key)["Grants"]
        assert all("AllUsers" not in grant["Grantee"].get("URI", "") for grant in grants)
        assert not any(private_media.rglob("*.pdf"))

        # Read back through the permission-checked view, streamed from the bucket.
        response = client_for(supplier_x).get(f"/certificates/{certificate.pk}/document/")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert "no-store" in response["Cache-Control"]
        body = b"".join(response.streaming_content)
        assert len(body) == 5000 and body.startswith(b"%PDF-")
        assert client_for(official).get(f"/certificates/{certificate.pk}/document/").status_code == 200

        # Another company, and anyone not logged in, never get it.
        assert client_for(supplier_y).get(f"/certificates/{certificate.pk}/document/").status_code == 404
        anonymous = client_for(None).get(f"/certificates/{certificate.pk}/document/")
        assert anonymous.status_code == 302

    def test_the_storage_gives_no_public_address(self, s3_private_storage, supplier_x, company_x):
        storage, bucket, client = s3_private_storage
        client_for(supplier_x).post(
            "/my/certificates/new/", {**certificate_data(), "document": factories.document_upload("pdf")}
        )
        name = Certificate.objects.get().document.name
        # Whatever address the storage would give is signed and short-lived, never a plain public one.
        address = storage.url(name)
        assert "X-Amz-Signature=" in address
        assert "X-Amz-Expires=60&" in address

    def test_a_missing_object_is_not_found(self, s3_private_storage, supplier_x, company_x):
        storage, bucket, client = s3_private_storage
        client_for(supplier_x).post(
            "/my/certificates/new/", {**certificate_data(), "document": factories.document_upload("pdf")}
        )
        certificate = Certificate.objects.get()
        client.delete_object(Bucket=bucket, Key=f"private/{certificate.document.name}")
        assert client_for(supplier_x).get(f"/certificates/{certificate.pk}/document/").status_code == 404

    def test_a_backup_leaves_the_bucket_to_its_own_history(self, s3_private_storage):
        # The archive holds the database only (.ci/backup-restore tries that part on both engines); its manifest
        # says where the files are, and a restore does not touch them (registry/backup.py).
        from registry.backup import _private_files

        storage, bucket, client = s3_private_storage
        assert _private_files() == (None, f"s3://{bucket}/private")


class TestSettingsChooseTheStorage:
    def _private_backend(self, **environ) -> str:
        code = (
            "import django; django.setup();"
            "from django.core.files.storage import storages;"
            "from registry.models import Certificate;"
            "s = storages['private'];"
            "print(type(s).__module__ + '.' + type(s).__name__);"
            "print(type(Certificate._meta.get_field('document').storage).__name__);"
            "print(getattr(s, 'bucket_name', ''), getattr(s, 'default_acl', ''), getattr(s, 'endpoint_url', ''))"
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith("S3_")}
        env.update(DJANGO_SETTINGS_MODULE="config.settings", **environ)
        result = subprocess.run(
            [sys.executable, "-c", code], cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True
        )
        return result.stdout

    def test_s3_when_the_bucket_is_set(self):
        out = self._private_backend(
            S3_BUCKET="bureau-private", S3_ENDPOINT_URL="http://127.0.0.1:9000", S3_REGION="cn-east-1",
            S3_ACCESS_KEY_ID="k", S3_SECRET_ACCESS_KEY="s",
        )
        backend, field_storage, options = out.splitlines()
        assert backend == "storages.backends.s3.S3Storage"
        assert field_storage == "S3Storage"
        assert options == "bureau-private private http://127.0.0.1:9000"

    def test_a_local_folder_otherwise(self, tmp_path):
        out = self._private_backend(DJANGO_PRIVATE_MEDIA_ROOT=str(tmp_path))
        assert out.splitlines()[0] == "django.core.files.storage.filesystem.FileSystemStorage"

    def test_the_setting_itself(self, tmp_path):
        local = private_storage_setting({}, location=tmp_path)
        assert local["BACKEND"] == f"{FileSystemStorage.__module__.rsplit('.', 1)[0]}.FileSystemStorage"
        assert local["OPTIONS"] == {"location": str(tmp_path)}
        s3 = private_storage_setting({"S3_BUCKET": " b ", "S3_PREFIX": "/city/"}, location=tmp_path)
        assert s3["OPTIONS"]["bucket_name"] == "b"
        assert s3["OPTIONS"]["location"] == "city"
        assert s3["OPTIONS"]["default_acl"] == "private"
        assert s3["OPTIONS"]["endpoint_url"] is None
