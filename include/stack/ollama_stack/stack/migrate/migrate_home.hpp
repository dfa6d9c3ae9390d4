#pragma once
// `migrate` for the home: the state file's schema and .env's format are detected, and files an
// older ollama-stack wrote (format 0: the Python ollama-stack this tool replaces) are upgraded
// step by step (stack/migrate/migrate_steps.hpp). Copies of the old files are written first; the result
// is read back and checked, and a failed check puts the old files back.
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "ollama_stack/stack/checks/checks.hpp"
#include "ollama_stack/stack/home/home.hpp"

namespace ollama_stack::stack {

struct FileMigration {
  std::string name;  // ".ollama-stack.json", ".env"
  std::filesystem::path path;
  bool exists = false;
  int found = 0;                     // the file's schema (state) or format (.env)
  int current = 0;                   // what this ollama-stack writes
  std::string found_as;              // "the Python ollama-stack 0.2.0", ".env format 1"
  std::vector<std::string> changes;  // what the upgrade changes, one sentence each
  std::vector<std::string> notes;    // what the user may want to do afterwards
  std::string upgraded;              // the new content (when due)

  bool due() const { return exists && found < current; }
};

struct HomeMigration {
  std::filesystem::path home;
  FileMigration state;
  FileMigration env;
  std::filesystem::path backup;  // where the old files were copied ("" until done)
  bool done = false;             // the files were upgraded and checked

  bool due() const { return state.due() || env.due(); }
};

// Reads the home's files and works out their upgrade; changes nothing (the dry run). Throws
// ConfigError naming the file when one does not parse or follows a newer format.
HomeMigration plan_home_migration(const HomeLayout& home,
                                  const std::function<std::string()>& new_secret);

// Upgrades what is due: copies both files into <home>/migrate-backup-<YYYYMMDDTHHMMSSZ>/ (mode
// 0700, files 0600), writes the upgraded files atomically, then checks them (the state file loads,
// .env parses at the current format with a WEBUI_SECRET_KEY). A failed check puts the old files
// back and throws Error(failed). Nothing due: returns the plan, writes nothing.
HomeMigration migrate_home(const HomeLayout& home, const std::function<std::string()>& new_secret,
                           std::chrono::system_clock::time_point now);

// The `check` line: pass when both files are current (or absent), fail when the state file needs
// a migration (the stack cannot start on it), warn when only .env does.
CheckResult check_home_migration(const HomeLayout& home);

}  // namespace ollama_stack::stack
