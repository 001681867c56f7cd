#pragma once
#include <span>

namespace kiosk::core::store {

struct MigrationStep {
    int version;       ///< user_version after this step
    const char* name;  ///< recorded in schema_migrations
    const char* sql;
};
std::span<const MigrationStep> migrationSteps();

/// Written to PRAGMA application_id so a foreign SQLite file is not mistaken for an event.
inline constexpr int kApplicationId = 0x4B53514B;  // "KSQK"

}  // namespace kiosk::core::store
