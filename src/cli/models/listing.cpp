// The run `models list` and `models ps` share (see cli/model_targets.hpp): options, the table
// with a BACKEND column on a fleet, the JSON document, the failures after the output.
#include "ollama_stack/cli/json_output.hpp"
#include "ollama_stack/cli/model_targets.hpp"
#include "ollama_stack/cli/models.hpp"
#include "ollama_stack/util/timestamp.hpp"

namespace ollama_stack::cli {
namespace {

struct ListingOptions {
  bool json = false;
  std::string ollama_url;
  TargetChoice targets;
};

void add_listing_options(CLI::App& command, ListingOptions& options, const std::string& schema) {
  command.add_flag("--json", options.json,
                   "Print one JSON document (schema: docs/json.md#" + schema + ")");
  add_ollama_url_option(command, options.ollama_url);
  add_target_options(command, options.targets, "the core's Ollama and every backend");
}

void run_listing(Context& context, const ListingOptions& options, const Listing& listing) {
  context.json = options.json;
  auto chosen = model_targets(context, options.ollama_url, options.targets, true);
  auto listings = listings_of(chosen.targets);
  auto columns = listing.columns;
  if (chosen.fleet) columns.insert(columns.begin(), Column{"BACKEND"});
  Table table(columns);
  bool any = false;
  auto failures = for_each_target(context, chosen.targets, false, [&](const PullTarget& target) {
    auto& target_listing = listing_of(listings, target.name);
    for (auto& model : listing.models(target, chosen)) {
      target_listing.models.push_back(std::move(model.json));
      if (chosen.fleet) model.row.insert(model.row.begin(), target.name);
      table.add_row(model.row);
      any = true;
    }
  });
  if (!chosen.fleet) raise_target_failures(failures);  // one Ollama: its error as before
  if (options.json) {
    auto document = listing_document(chosen, listings, failures);
    if (listing.decorate) listing.decorate(chosen, document);
    write_json(context.out(), with_schema_version(document));
  } else if (!any) {
    context.out() << listing.empty << "\n";
  } else {
    table.render(context.out(), context.caps_out());
  }
  if (listing.after) listing.after();
  finish_listing(context, failures);
}

}  // namespace

CLI::App* add_listing_verb(CLI::App& models, Context& context, const std::string& name,
                           const std::string& description,
                           const std::function<Listing(Context&)>& listing) {
  auto options = std::make_shared<ListingOptions>();
  auto* command = models.add_subcommand(name, description);
  add_listing_options(*command, *options, "models-" + name);
  command->callback(
      [&context, options, listing] { run_listing(context, *options, listing(context)); });
  return command;
}

std::string from_now(
    const std::string& rfc3339,
    const std::function<std::string(std::chrono::system_clock::duration)>& render) {
  auto when = util::parse_rfc3339(rfc3339);
  if (!when) return rfc3339.empty() ? "-" : rfc3339;
  return render(*when - std::chrono::system_clock::now());
}

}  // namespace ollama_stack::cli
