#pragma once
// Merging compose files the way Docker Compose v2 does: mappings by key (later wins), `command`,
// `entrypoint` and `healthcheck.test` replaced, `volumes` unique by container path, other lists
// appended; `!reset` removes a key (a whole service too), `!override` replaces instead of
// merging; an untagged null leaves the earlier value alone.
#include <vector>

#include "ollama_stack/compose/yaml_document.hpp"

namespace ollama_stack::compose {

// Rewrites a validated document so list-or-mapping keys merge by key: `environment`, `labels`,
// `build.args`, `extra_hosts`, `depends_on` and `networks` become mappings, a `build` string
// becomes {context: ...}. Tags are kept.
void normalize_document(Node& document);

// Merges normalised documents in order. The result has no tags left. Each merged mapping takes
// the location of the last file that wrote it (so a service's location names the file that last
// defined it).
Node merge_documents(const std::vector<Node>& documents);

}  // namespace ollama_stack::compose
