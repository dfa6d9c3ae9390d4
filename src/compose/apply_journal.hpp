#pragma once
// What one apply run created or set aside, so that a failure (or Ctrl-C) can be undone — and
// so that the undoing can say exactly what it could not undo.
#include <mutex>
#include <string>
#include <vector>

namespace ollama_stack::engine {
class Client;
}

namespace ollama_stack::compose {

class ApplyJournal {
 public:
  // A container this run created.
  void add_container(const std::string& id, const std::string& name);
  void add_network(const std::string& name);
  // An existing container being recreated, journaled before it is stopped so that undo starts it
  // again whatever fails next; `set_aside` once it has been renamed out of the way. Returns its
  // index for set_aside().
  size_t add_replaced(const std::string& id, const std::string& name, const std::string& aside,
                      bool was_running);
  void set_aside(size_t index);

  bool replaced_any() const;

  // Removes what this run created and puts back what it replaced (renamed back, started again
  // when it was running); every step is tried. Returns one sentence per step that failed.
  std::vector<std::string> undo(engine::Client& client);
  // What undo() did, for the end of apply's error message, from the failures it returned.
  std::string undo_summary(const std::vector<std::string>& failures) const;
  // After success: removes the containers set aside. Returns one sentence per failure.
  std::vector<std::string> discard_replaced(engine::Client& client);

 private:
  struct Created {
    std::string id;
    std::string name;
  };
  struct Replaced {
    std::string id;
    std::string name;   // its own name, given back on undo
    std::string aside;  // the name it was renamed to
    bool was_running = false;
    bool renamed = false;
  };
  mutable std::mutex mutex_;
  std::vector<Created> containers_;
  std::vector<std::string> networks_;
  std::vector<Replaced> replaced_;
};

}  // namespace ollama_stack::compose
