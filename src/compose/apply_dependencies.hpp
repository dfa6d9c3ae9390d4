#pragma once
// The order of apply's service threads: a service's thread waits until each service it
// depends_on has started (all its replicas), become healthy or completed — whichever its
// condition asks — so services without dependencies between them start at the same time.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "ollama_stack/compose/plan.hpp"
#include "ollama_stack/compose/project.hpp"
#include "ollama_stack/engine/types.hpp"

namespace ollama_stack::engine {
class Client;
}

namespace ollama_stack::compose {

// Readiness of one service (all its replicas), awaited by the services that depend on it.
class Readiness {
 public:
  enum class Status { pending, started, failed };
  // Counts one replica that must start before the service is started.
  void expect();
  // A replica started; the service's container for "service:X" references is its first one.
  void started(int number, const std::string& container_id);
  void failed();
  // A service without replicas (scale 0) is started at once.
  void start_if_empty();
  // Waits until no longer pending; polls `stop` so cancellation is seen.
  Status wait(const std::function<bool()>& stop, std::string* container_id);

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  Status status_ = Status::pending;
  int pending_ = 0;
  std::string container_id_;
};

class DependencyWaiter {
 public:
  // `should_stop` is polled while waiting: true on cancellation or when another service failed.
  DependencyWaiter(engine::Client& client, std::chrono::seconds timeout,
                   std::function<bool()> should_stop)
      : client_(client), timeout_(timeout), should_stop_(std::move(should_stop)) {}

  // Before the service threads start: every service of the project, expecting the replicas the
  // plan starts.
  void expect(const Project& project, const Plan& plan);
  Readiness& readiness(const std::string& service) { return readiness_.at(service); }
  // Waits for the service's dependencies; returns the first container of each one.
  std::map<std::string, std::string> await_dependencies(const Service& service);

 private:
  void await_healthy(const std::string& dependency, const std::string& container_id);
  void await_completed(const std::string& dependency, const std::string& container_id);
  void await_dependency(const std::string& dependency, const std::string& container_id,
                        std::string_view what,
                        const std::function<bool(const engine::ContainerInspect&)>& done);

  engine::Client& client_;
  std::chrono::seconds timeout_;
  std::function<bool()> should_stop_;
  std::map<std::string, Readiness> readiness_;
};

}  // namespace ollama_stack::compose
