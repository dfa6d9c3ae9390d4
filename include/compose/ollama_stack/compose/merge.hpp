#pragma once
// Merging compose files the way Docker Compose v2 does: mappings by key (later wins), `command`,
// `entrypoint` and `healthcheck.test` replaced, `volumes` unique by container path, other lists
// appended; `!reset` removes a key (a whole service too), `!override` replaces instead of
// merging; an untagged null leaves the earlier value alone.
#include <vector>

#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

// Rewrites a validated document so list-or-mapping keys merge by key: `environment`, `labels`,
// `sysctls`, `annotations`, `build.args`, `build.labels`, `deploy.labels`, `extra_hosts`,
// `depends_on` and `networks` become mappings, a `build` string becomes {context: ...}, single
// strings of `dns`, `dns_search`, `tmpfs`, `env_file` and `label_file` become lists, and lists
// with a unique key (volumes and devices by target, configs and secrets by target, cap_add, dns,
// expose... by value) keep one item a key. Tags are kept.
void normalize_document(Node& document);
// The same for one service mapping.
void normalize_service(Node& service);

// Merges `over` into `base` under the rules of `pattern`: "services.*" for one service (as
// `extends` and `include` merge a service), "networks.NAME" and so on for other resources.
void merge_into(Node& base, const Node& over, const std::string& pattern);

// Merges normalised documents in order. The result has no tags left. Each merged mapping takes
// the location of the last file that wrote it (so a service's location names the file that last
// defined it).
Node merge_documents(const std::vector<Node>& documents);

}  // namespace ollama_stack::compose
