#!/usr/bin/env bash
# Issues a hub's client certificate from the community CA (docs/community.md, "Deployment:
# certificates and ACLs"): CN = the home id, which RabbitMQ's ssl_cert_login takes as the broker
# user name, so the ACLs of that user (its own community/<site>/<home>/ prefix) apply.
#
#   issue-hub-cert.sh init-ca CA_DIR                 create the community CA (once)
#   issue-hub-cert.sh server CA_DIR OUT_DIR HOST     a broker node's server certificate
#   issue-hub-cert.sh hub CA_DIR OUT_DIR HOME_ID     a hub certificate (CN = HOME_ID)
#
# Keys are EC P-256, written with mode 600; certificates are valid for DAYS (default 825).
set -euo pipefail

DAYS=${DAYS:-825}
die() { echo "issue-hub-cert: $*" >&2; exit 1; }

init_ca() {
  local ca=$1
  mkdir -p "$ca"
  [[ -f "$ca/ca.key" ]] && die "$ca/ca.key exists"
  (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$ca/ca.key")
  openssl req -x509 -new -key "$ca/ca.key" -sha256 -days 3650 -subj "/CN=Hearth community CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$ca/ca.crt"
  echo "$ca/ca.crt"
}

issue() {  # issue CA OUT NAME CN EXTENSIONS
  local ca=$1 out=$2 name=$3 cn=$4 ext=$5
  [[ -f "$ca/ca.key" ]] || die "no CA in $ca (run init-ca first)"
  mkdir -p "$out"
  (umask 077; openssl ecparam -name prime256v1 -genkey -noout -out "$out/$name.key")
  openssl req -new -key "$out/$name.key" -subj "/CN=$cn" -out "$out/$name.csr"
  printf '%b' "$ext" > "$out/$name.ext"
  openssl x509 -req -in "$out/$name.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
    -days "$DAYS" -sha256 -extfile "$out/$name.ext" -out "$out/$name.crt" 2> /dev/null
  rm -f "$out/$name.csr" "$out/$name.ext"
  cp "$ca/ca.crt" "$out/ca.crt"
  echo "$out/$name.crt"
}

[[ $# -ge 2 ]] || die "usage: $0 init-ca CA_DIR | server CA_DIR OUT_DIR HOST | hub CA_DIR OUT_DIR HOME_ID"
case $1 in
  init-ca) init_ca "$2" ;;
  server)
    [[ $# -eq 4 ]] || die "usage: $0 server CA_DIR OUT_DIR HOST"
    issue "$2" "$3" server "$4" \
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:$4,IP:127.0.0.1\n" ;;
  hub)
    [[ $# -eq 4 ]] || die "usage: $0 hub CA_DIR OUT_DIR HOME_ID"
    [[ $4 =~ ^[a-z0-9_-]{1,64}$ ]] || die "home id must match [a-z0-9_-]{1,64}"
    issue "$2" "$3" "hub-$4" "$4" \
      "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n" ;;
  *) die "unknown action $1" ;;
esac
