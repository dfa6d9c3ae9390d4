#pragma once
// The stack's project for naming things (volumes, services, images), also for a home without .env
// (never installed, or emptied by `uninstall --all`).
#include "ollama_stack/stack/home/session.hpp"
#include "ollama_stack/stack/home/stack_project.hpp"

namespace ollama_stack::stack {

// As session.project() loads it, except that WEBUI_SECRET_KEY, which names nothing, gets a
// placeholder when unset; for the platform without its facts. Loaded on each call.
StackProject project_for_names(Session& session);

}  // namespace ollama_stack::stack
