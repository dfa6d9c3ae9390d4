#include "apply_journal.hpp"

#include <fmt/format.h>

#include "ollama_stack/engine/client.hpp"
#include "ollama_stack/engine/errors.hpp"

namespace ollama_stack::compose {
namespace {

bool is_not_found(const std::exception& error) {
  const auto* engine_error = dynamic_cast<const engine::EngineError*>(&error);
  return engine_error != nullptr && engine_error->kind() == engine::EngineError::Kind::not_found;
}

}  // namespace

void ApplyJournal::add_container(const std::string& id, const std::string& name) {
  std::lock_guard lock(mutex_);
  containers_.push_back({id, name});
}

void ApplyJournal::add_network(const std::string& name) {
  std::lock_guard lock(mutex_);
  networks_.push_back(name);
}

size_t ApplyJournal::add_replaced(const std::string& id, const std::string& name,
                                  const std::string& aside, bool was_running) {
  std::lock_guard lock(mutex_);
  replaced_.push_back({id, name, aside, was_running, false});
  return replaced_.size() - 1;
}

void ApplyJournal::set_aside(size_t index) {
  std::lock_guard lock(mutex_);
  replaced_.at(index).renamed = true;
}

bool ApplyJournal::replaced_any() const {
  std::lock_guard lock(mutex_);
  return !replaced_.empty();
}

std::vector<std::string> ApplyJournal::undo(engine::Client& client) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> failures;
  for (const auto& created : containers_) {
    try {
      client.remove_container(created.id, true, false);
    } catch (const std::exception& error) {
      if (!is_not_found(error))
        failures.push_back(
            fmt::format("container {} (created by this run) could not be removed: {}", created.name,
                        error.what()));
    }
  }
  for (const auto& replaced : replaced_) {
    try {
      if (replaced.renamed) client.rename_container(replaced.id, replaced.name);
    } catch (const std::exception& error) {
      failures.push_back(
          fmt::format("container {} could not be given its name back (it is stopped, named {}): {}",
                      replaced.name, replaced.aside, error.what()));
      continue;
    }
    try {
      if (replaced.was_running) client.start_container(replaced.id);
    } catch (const std::exception& error) {
      failures.push_back(
          fmt::format("container {} could not be started again: {}", replaced.name, error.what()));
    }
  }
  for (const auto& network : networks_) {
    try {
      client.remove_network(network);
    } catch (const std::exception& error) {
      if (!is_not_found(error))
        failures.push_back(fmt::format("network {} (created by this run) could not be removed: {}",
                                       network, error.what()));
    }
  }
  return failures;
}

std::vector<std::string> ApplyJournal::discard_replaced(engine::Client& client) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> failures;
  for (const auto& replaced : replaced_) {
    try {
      client.remove_container(replaced.id, true, false);
    } catch (const std::exception& error) {
      if (!is_not_found(error))
        failures.push_back(fmt::format("the replaced container {} could not be removed: {}",
                                       replaced.aside, error.what()));
    }
  }
  return failures;
}

std::string ApplyJournal::undo_summary(const std::vector<std::string>& failures) const {
  if (failures.empty())
    return replaced_any() ? "everything this run created was removed and the containers it "
                            "replaced were put back"
                          : "everything this run created was removed";
  std::string joined;
  for (const auto& failure : failures) joined += (joined.empty() ? "" : "; ") + failure;
  return "undoing it failed: " + joined;
}

}  // namespace ollama_stack::compose
