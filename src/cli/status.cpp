// `ollama-stack status`: one row per service, as a table, as JSON, or redrawn with --watch.
#include "ollama_stack/stack/status.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <fstream>
#include <functional>
#include <iterator>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "ollama_stack/cli/backend_verbs.hpp"
#include "ollama_stack/cli/extension_verbs.hpp"
#include "ollama_stack/cli/human_units.hpp"
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/status_gpu.hpp"
#include "ollama_stack/cli/table.hpp"
#include "ollama_stack/cli/terminal.hpp"
#include "ollama_stack/stack/home/home.hpp"
#include "ollama_stack/stack/home/platform.hpp"
#include "ollama_stack/stack/home/state_file.hpp"
#include "ollama_stack/util/cancel.hpp"
#include "ollama_stack/util/error.hpp"
#include "platform_json.hpp"
#include "verbs.hpp"

namespace ollama_stack::cli {
namespace {

struct StatusOptions {
  bool json = false;
  bool watch = false;
  bool no_stats = false;
  bool extensions_only = false;  // --extensions
  bool heal = false;             // --heal: restart an Ollama that lost its GPU, and verify
  double interval = 2.0;
};

nlohmann::json optional_json(const auto& value) { return value ? nlohmann::json(*value) : nlohmann::json(nullptr); }

// The extensions beside the stack; a problem reading them is a warning, never a failed status.
std::optional<stack::ExtensionsOverview> extensions_of(stack::Session& session, stack::StackStatus& status) {
  try {
    return stack::extensions_overview(session, {.health = true});
  } catch (const Error& error) {
    status.warnings.push_back(std::string("extensions: ") + error.what());
    return std::nullopt;
  }
}

nlohmann::json status_json(const stack::StackStatus& status,
                           const std::optional<stack::ExtensionsOverview>& extensions,
                           const std::optional<stack::PlatformDecision>& platform,
                           const StatusGpu& gpu,
                           const std::vector<stack::BackendStatus>& backends) {
  nlohmann::json services = nlohmann::json::array();
  for (const auto& service : status.services) {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& port : service.ports)
      ports.push_back({{"host_ip", port.host_ip}, {"host_port", port.host_port},
                       {"container_port", port.container_port}, {"protocol", port.protocol}});
    services.push_back({{"name", service.name},
                        {"container", service.container.empty() ? nlohmann::json(nullptr) : nlohmann::json(service.container)},
                        {"replica", service.replica > 0 ? nlohmann::json(service.replica) : nlohmann::json(nullptr)},
                        {"state", service.state},
                        {"health", service.health},
                        {"reason", service.reason},
                        {"ports", ports},
                        {"url", service.url.empty() ? nlohmann::json(nullptr) : nlohmann::json(service.url)},
                        {"cpu_percent", optional_json(service.cpu_percent)},
                        {"memory_bytes", optional_json(service.memory_bytes)},
                        {"memory_limit_bytes", optional_json(service.memory_limit_bytes)},
                        {"uptime_seconds", optional_json(service.uptime_seconds)},
                        {"image", service.image}});
  }
  return with_schema_version(
      {{"project", status.project},
       {"running", status.running},
       {"platform", platform ? platform_json(*platform) : nlohmann::json(nullptr)},
       {"healthy", status.healthy},
       {"services", services},
       {"gpu", status_gpu_json(gpu)},
       {"backends", backend_statuses_json(backends)},
       {"extensions", extensions ? extension_statuses_json(*extensions) : nlohmann::json::array()},
       {"tool_servers",
        extensions ? tool_servers_json(extensions->tools) : nlohmann::json(nullptr)},
       {"warnings", status.warnings}});
}

std::string render_table(Context& context, const stack::StackStatus& status,
                         const std::optional<stack::PlatformDecision>& platform,
                         const StatusGpu& gpu) {
  const auto caps = context.caps_out();
  Style style(caps);
  std::ostringstream out;
  if (!status.running) {
    out << fmt::format("The stack ({}) is not running. Start it with `ollama-stack start`.\n", status.project);
    return out.str();
  }
  Table table({{"SERVICE"}, {"STATE"}, {"HEALTH"}, {"URL"}, {"CPU", Align::right}, {"MEMORY", Align::right},
               {"UPTIME", Align::right}, {"IMAGE"}});
  for (const auto& service : status.services) {
    // A service with several replicas shows each as "<service>-<n>", as `docker compose ps` names them.
    const bool replicated = std::count_if(status.services.begin(), status.services.end(),
                                          [&](const auto& other) { return other.name == service.name; }) > 1;
    const std::string name = replicated ? fmt::format("{}-{}", service.name, service.replica) : service.name;
    std::string health = service.health;
    if (service.health == "healthy") health = style.green(health);
    else if (service.health == "starting") health = style.yellow(health);
    else health = style.red(health);
    std::string memory = "-";
    if (service.memory_bytes) {
      memory = format_bytes(*service.memory_bytes);
      if (service.memory_limit_bytes && *service.memory_limit_bytes > 0)
        memory += " / " + format_bytes(*service.memory_limit_bytes);
    }
    table.add_row({style.service(name), service.state, health, service.url.empty() ? "-" : service.url,
                   service.cpu_percent ? fmt::format("{:.1f}%", *service.cpu_percent) : "-", memory,
                   service.uptime_seconds ? format_duration(std::chrono::seconds(*service.uptime_seconds)) : "-",
                   service.image.empty() ? "-" : service.image});
  }
  table.render(out, caps);
  if (platform) out << "platform: " << stack::describe(*platform) << "\n";
  out << render_status_gpu(gpu, caps);
  for (const auto& service : status.services)
    if (service.health != "healthy" && !service.reason.empty())
      out << fmt::format("{}: {}\n", service.name, service.reason);
  return out.str();
}

// --watch: `frame()` drawn every --interval seconds until Ctrl-C.
void watch(Context& context, const StatusOptions& options,
           const std::function<std::string()>& frame) {
  const bool tty = context.caps_out().is_tty;
  while (!cancel_requested()) {
    const auto text = frame();
    if (tty) context.out() << "\x1b[H\x1b[2J";  // home + clear: redraw in place
    context.out() << text;
    if (!tty) context.out() << "\n";
    context.out().flush();
    for (int i = 0; i < static_cast<int>(options.interval * 10) && !cancel_requested(); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

// --extensions: only the extensions' table; a failure to read them is the command's failure.
std::string render_extensions_only(Context& context, const stack::ExtensionsOverview& overview) {
  const auto table = render_extension_statuses(context, overview);
  if (table.empty())
    return "No extension is enabled or running. `ollama-stack extensions list` shows the installed "
           "ones.\n";
  return table.substr(1);  // without the blank line that separates it from the services' table
}

// 4 when an enabled extension is not running or not healthy, else 0.
int extensions_exit_code(const stack::ExtensionsOverview& overview) {
  for (const auto& extension : overview.extensions)
    if (extension.enabled &&
        (!extension.running || (!extension.health.empty() && extension.health != "healthy")))
      return static_cast<int>(ExitCode::unhealthy);
  return 0;
}

void run_extensions_status(Context& context, stack::Session& session,
                           const StatusOptions& options) {
  auto overview = [&] { return stack::extensions_overview(session, {.health = true}); };
  if (options.watch && !options.json)
    return watch(context, options, [&] { return render_extensions_only(context, overview()); });
  const auto extensions = overview();
  if (options.json)
    write_json(context.out(),
               with_schema_version({{"extensions", extension_statuses_json(extensions)}}));
  else
    context.out() << render_extensions_only(context, extensions);
  if (int code = extensions_exit_code(extensions); code != 0) throw ExitWith(code);
}

// "14:03:59", local time: when a heal happened, for the redrawn screen.
std::string clock_time() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char text[16];
  std::strftime(text, sizeof text, "%H:%M:%S", &local);
  return text;
}

int exit_code_of(const stack::StackStatus& status,
                 const std::vector<stack::BackendStatus>& backends) {
  if (!status.running) return static_cast<int>(ExitCode::failed);
  const bool fleet_healthy = std::all_of(backends.begin(), backends.end(),
                                         [](const auto& backend) { return backend.healthy(); });
  return status.healthy && fleet_healthy ? 0 : static_cast<int>(ExitCode::unhealthy);
}

// Every recorded backend's state; a state file that cannot be read is a warning here.
std::vector<stack::BackendStatus> backends_of(stack::Session& session, stack::StackStatus& status) {
  try {
    return stack::backends_status(session.options(), session.project_name(),
                                  stack::recorded_backends(session.home()));
  } catch (const ConfigError& error) {
    status.warnings.push_back(std::string("backends: ") + error.what());
    return {};
  }
}

// What the last start chose, from the state file: status describes what runs, and detecting it
// again costs an engine /info call (10-20 ms) on every status. Read without load_state()'s
// handling of a corrupt file: status must not write anything.
std::optional<stack::PlatformDecision> last_started_platform(const Context& context) {
  const auto path = stack::HomeLayout{context.home()}.state_file();
  std::ifstream in(path);
  const std::string text{std::istreambuf_iterator<char>(in), {}};
  const auto json = nlohmann::json::parse(text, nullptr, false);
  try {
    auto state = stack::state_from_json(json, path.string(), text);
    if (state.last_start) return stack::recorded_decision(*state.last_start);
  } catch (const Error&) {
  }
  return std::nullopt;
}

void run_status(Context& context, const StatusOptions& options) {
  context.json = options.json;
  const auto platform = last_started_platform(context);
  auto session = context.session("auto");
  if (platform) session.use_platform(*platform);
  if (options.extensions_only) return run_extensions_status(context, session, options);
  stack::StatusOptions status_options;
  status_options.stats = !options.no_stats;
  auto observe = [&](stack::StackStatus& status) {
    return watch_status_gpu(session, status, options.heal,
                            [&] { return stack::stack_status(session, status_options); });
  };
  if (options.watch && !options.json) {
    std::string last_heal;  // a redrawn screen keeps the last heal in view
    return watch(context, options, [&] {
      auto status = stack::stack_status(session, status_options);
      const auto gpu = observe(status);
      auto extensions = extensions_of(session, status);
      std::string heal_note;
      if (!gpu.heals.empty())
        last_heal = fmt::format("last heal at {}: {}\n", clock_time(), gpu.heals.back().message);
      else if (context.caps_out().is_tty)
        heal_note = last_heal;
      return render_table(context, status, platform, gpu) + heal_note +
             render_backend_statuses(context, backends_of(session, status)) +
             (extensions ? render_extension_statuses(context, *extensions) +
                               render_tool_servers(context, extensions->tools)
                         : "");
    });
  }
  auto status = stack::stack_status(session, status_options);
  const auto gpu = observe(status);
  auto extensions = extensions_of(session, status);
  const auto backends = backends_of(session, status);
  if (options.json)
    write_json(context.out(), status_json(status, extensions, platform, gpu, backends));
  else
    context.out() << render_table(context, status, platform, gpu)
                  << render_backend_statuses(context, backends)
                  << (extensions ? render_extension_statuses(context, *extensions) +
                                       render_tool_servers(context, extensions->tools)
                                 : "");
  for (const auto& warning : status.warnings) context.err() << "warning: " << warning << "\n";
  if (int code = exit_code_of(status, backends); code != 0) throw ExitWith(code);
}

}  // namespace

void register_status(CLI::App& app, Context& context) {
  auto options = std::make_shared<StatusOptions>();
  auto* command = app.add_subcommand(
      "status", "Show each service's state, health, URL, CPU, memory and uptime, and on nvidia whether Ollama "
                "still sees its GPUs (exit 0 all healthy, 4 not all healthy or a GPU lost, 1 not running)");
  command->add_flag("--json", options->json, "Print one JSON document (schema: docs/json.md#status)");
  command->add_flag("--watch", options->watch, "Redraw every --interval seconds until Ctrl-C");
  command->add_option("--interval", options->interval, "Seconds between redraws with --watch (default 2)")
      ->check(CLI::Range(0.2, 3600.0));
  command->add_flag("--heal", options->heal,
                    "When an Ollama container has lost its NVIDIA GPU (or runs a model on the CPU), "
                    "restart it and verify the GPU is back; with --watch, at most once per interval");
  command->add_flag("--no-stats", options->no_stats, "Skip CPU and memory figures for the fastest answer");
  command->add_flag("--extensions", options->extensions_only,
                    "Only the extensions' table (and only their part of --json); exit 4 when an "
                    "enabled extension is not running and healthy");
  command->callback([&context, options] { run_status(context, *options); });
}

}  // namespace ollama_stack::cli
