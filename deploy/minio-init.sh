#!/bin/sh
# One-shot MinIO bootstrap, run by the `minio-init` compose service (image minio/mc).
# Idempotent: safe to re-run on every `docker-compose up`.
#
#  1. creates the media bucket (DJANGO_AWS_STORAGE_BUCKET_NAME) and makes it PRIVATE
#     (no anonymous access: try-on photos are personal data; the app serves them through
#     Django or presigned URLs);
#  2. creates the application's own MinIO user (DJANGO_AWS_ACCESS_KEY_ID /
#     DJANGO_AWS_SECRET_ACCESS_KEY) restricted by a policy to that one bucket, so the
#     app never holds the MinIO root credentials.
#
# Env: MINIO_ROOT_USER, MINIO_ROOT_PASSWORD, DJANGO_AWS_STORAGE_BUCKET_NAME,
#      DJANGO_AWS_ACCESS_KEY_ID, DJANGO_AWS_SECRET_ACCESS_KEY, MINIO_URL (default http://minio:9000)
# Uses the mc syntax of 2023+ releases (`mc anonymous`, `mc admin policy create/attach`).
set -eu

: "${MINIO_ROOT_USER:?MINIO_ROOT_USER is required}"
: "${MINIO_ROOT_PASSWORD:?MINIO_ROOT_PASSWORD is required}"
: "${DJANGO_AWS_STORAGE_BUCKET_NAME:?DJANGO_AWS_STORAGE_BUCKET_NAME is required}"
: "${DJANGO_AWS_ACCESS_KEY_ID:?DJANGO_AWS_ACCESS_KEY_ID is required}"
: "${DJANGO_AWS_SECRET_ACCESS_KEY:?DJANGO_AWS_SECRET_ACCESS_KEY is required}"
MINIO_URL="${MINIO_URL:-http://minio:9000}"
BUCKET="$DJANGO_AWS_STORAGE_BUCKET_NAME"
POLICY="fittingroom-app-${BUCKET}"

if [ "$DJANGO_AWS_ACCESS_KEY_ID" = "$MINIO_ROOT_USER" ]; then
    echo "minio-init: DJANGO_AWS_ACCESS_KEY_ID must differ from MINIO_ROOT_USER" >&2
    exit 1
fi

# depends_on waits for the healthcheck; retry anyway in case of a slow first start.
tries=0
until mc alias set fr "$MINIO_URL" "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; do
    tries=$((tries + 1))
    if [ "$tries" -ge 30 ]; then
        echo "minio-init: cannot reach/authenticate to $MINIO_URL" >&2
        exit 1
    fi
    sleep 2
done

mc mb --ignore-existing "fr/$BUCKET"
mc anonymous set none "fr/$BUCKET"
# Catalogue images (the public/ prefix) are meant to be seen by every visitor; the private/
# prefix (ciphertext of shopper photos and results) stays closed.
mc anonymous set download "fr/$BUCKET/public"

policy_file="$(mktemp)"
trap 'rm -f "$policy_file"' EXIT
cat >"$policy_file" <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
      "Resource": ["arn:aws:s3:::${BUCKET}"]
    },
    {
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                 "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
      "Resource": ["arn:aws:s3:::${BUCKET}/*"]
    }
  ]
}
JSON
mc admin policy create fr "$POLICY" "$policy_file"
# `user add` on an existing user just (re)sets its secret, so key rotation = edit env + re-run.
mc admin user add fr "$DJANGO_AWS_ACCESS_KEY_ID" "$DJANGO_AWS_SECRET_ACCESS_KEY"
if ! out="$(mc admin policy attach fr "$POLICY" --user "$DJANGO_AWS_ACCESS_KEY_ID" 2>&1)"; then
    case "$out" in
        *already*) echo "minio-init: policy $POLICY already attached" ;;
        *) echo "$out" >&2; exit 1 ;;
    esac
fi

echo "minio-init: bucket '$BUCKET' is private; app user has policy '$POLICY'"
