#!/usr/bin/env bash
# Deploys fanout to a local minikube cluster, or removes it.
#
#   ANTHROPIC_API_KEY=... ./deploy.sh        start minikube, build the images into it, apply k8s/, print the URL
#   ./deploy.sh down                         delete fanout's cluster (runs stay in the host folder)
#
# Settings (environment):
#   FANOUT_HOST_STORAGE   host folder of the runs          (default ~/code/claude-storage)
#   FANOUT_PROFILE        minikube profile                 (default fanout)
#   FANOUT_KUSTOMIZE      folder applied with kubectl -k   (default k8s/base)
#   FANOUT_API_TOKEN      token between web and API        (default: kept from the cluster, else random)
#   MINIKUBE_CPUS, MINIKUBE_MEMORY                          (defaults 4 and 8g)
set -euo pipefail

cd "$(dirname "$0")"
PROFILE="${FANOUT_PROFILE:-fanout}"
HOST_STORAGE="${FANOUT_HOST_STORAGE:-$HOME/code/claude-storage}"
KUSTOMIZE_DIR="${FANOUT_KUSTOMIZE:-k8s/base}"
NODE_STORAGE=/mnt/claude-output
TAG=dev

say() { printf 'deploy: %s\n' "$*" >&2; }
die() {
  say "$*"
  exit 1
}
need() { command -v "$1" >/dev/null 2>&1 || die "$1 is not installed (see docs/kubernetes.md)"; }
kc() { kubectl --context "$PROFILE" "$@"; }

secret() {
  # Creates or updates a Secret from literal values, without putting them on a command line for long.
  local namespace=$1 name=$2
  shift 2
  kc -n "$namespace" create secret generic "$name" "$@" --dry-run=client -o yaml | kc apply -f - >/dev/null
}

up() {
  need minikube
  need kubectl
  need docker
  [ -n "${ANTHROPIC_API_KEY:-}" ] || die "set ANTHROPIC_API_KEY (it goes into a Secret in the cluster, nowhere else)"
  mkdir -p "$HOST_STORAGE"
  HOST_STORAGE="$(cd "$HOST_STORAGE" && pwd)"

  if minikube -p "$PROFILE" status >/dev/null 2>&1; then
    say "minikube profile $PROFILE is running"
  else
    say "starting minikube (profile $PROFILE) with $HOST_STORAGE at $NODE_STORAGE"
    # Files in the mount belong to UID 1000, the user every fanout pod runs as.
    minikube start -p "$PROFILE" --driver=docker \
      --cpus="${MINIKUBE_CPUS:-4}" --memory="${MINIKUBE_MEMORY:-8g}" \
      --mount --mount-string="$HOST_STORAGE:$NODE_STORAGE" --mount-uid=1000 --mount-gid=1000
  fi

  for image in orchestrator worker web; do
    say "building fanout-$image:$TAG inside minikube"
    minikube -p "$PROFILE" image build -t "fanout-$image:$TAG" -f "docker/$image.Dockerfile" .
  done

  kc apply -f k8s/base/namespaces.yaml >/dev/null
  local token="${FANOUT_API_TOKEN:-}"
  if [ -z "$token" ]; then
    token="$(kc -n backend get secret fanout-api-token -o jsonpath='{.data.FANOUT_API_TOKEN}' 2>/dev/null | base64 -d || true)"
  fi
  if [ -z "$token" ]; then
    token="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  fi
  secret backend fanout-anthropic --from-literal=ANTHROPIC_API_KEY="$ANTHROPIC_API_KEY"
  secret backend fanout-api-token --from-literal=FANOUT_API_TOKEN="$token"
  secret frontend fanout-api-token --from-literal=FANOUT_API_TOKEN="$token"

  local existed=0
  kc -n backend get deployment fanout-orchestrator >/dev/null 2>&1 && existed=1
  say "applying $KUSTOMIZE_DIR"
  kc apply -k "$KUSTOMIZE_DIR"
  if [ "$existed" = 1 ]; then
    # Same tag, new image: restart so the pods pick up what was just built.
    kc -n backend rollout restart deployment/fanout-orchestrator
    kc -n frontend rollout restart deployment/fanout-web
  fi
  kc -n backend rollout status deployment/fanout-orchestrator --timeout=300s
  kc -n frontend rollout status deployment/fanout-web --timeout=300s

  local url
  url="$(minikube -p "$PROFILE" service -n frontend fanout-web --url 2>/dev/null | head -n1 || true)"
  say "ready; runs are in $HOST_STORAGE"
  if [ -n "$url" ]; then
    printf '%s\n' "$url"
  else
    say "no URL from minikube; use: kubectl --context $PROFILE -n frontend port-forward svc/fanout-web 8080:80"
  fi
}

down() {
  need minikube
  if minikube -p "$PROFILE" status >/dev/null 2>&1; then
    say "deleting fanout's objects"
    kc delete -k "$KUSTOMIZE_DIR" --ignore-not-found --wait=false || true
  fi
  say "deleting minikube profile $PROFILE (the runs stay in ${HOST_STORAGE})"
  minikube delete -p "$PROFILE"
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  -h | --help | help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' ;;
  *) die "unknown command $1 (up or down)" ;;
esac
