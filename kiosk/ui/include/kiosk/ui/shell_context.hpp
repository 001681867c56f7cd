#pragma once
// What the shell hands to the screens' controllers (desk, dashboard) each frame. Everything here
// belongs to KioskApp and lives as long as it does; controllers keep no copies of the pointers.
#include <kiosk/ui/fonts.hpp>
#include <kiosk/ui/strings.hpp>

#include <kiosk/core.hpp>

#include <chrono>
#include <optional>
#include <string>

namespace kiosk::printing {
class PrintService;
}

namespace kiosk::core {
class PinLock;  // kiosk/core/access.hpp
}

namespace kiosk::ui {

struct ServiceHealth {
    bool ok = false;
    std::string state;    ///< "running", "reconnecting", "idle", "offline", "none" …
    std::string message;  ///< for volunteers: what is wrong and what to do
};

struct ShellContext {
    core::Database& db;  ///< UI-thread connection (reads, desk writes)
    const Strings& text;
    core::Language language = core::Language::Fr;
    std::string kioskName{};
    std::string dbPath{};
    /// Recorded in the audit log for desk actions: core::deskActor of the volunteer who
    /// unlocked the desk ("desk:Amina"), "desk" for the shared PIN.
    std::string actor = "desk";
    core::TimePoint now{};
    std::chrono::steady_clock::time_point steadyNow{};
    ServiceHealth scanner{};
    ServiceHealth printer{};
    /// The last check-in this kiosk could not save (disk full, database locked …), until the
    /// next one is saved: "db.io: … (check free disk space …)". Empty when all is well.
    std::string writeProblem{};
    /// The sync agent's state as it wrote it into the file (`kiosk sync`, docs/sync.md); empty
    /// on a machine that is not attached to an event server.
    std::optional<core::SyncStatus> sync{};
    printing::PrintService* print = nullptr;  ///< null: no printer configured
    core::PinLock* pinLock = nullptr;   ///< E2: the desk's "Change PIN" updates the shell's lock in place
    float pixelsPerMm = 96.0f / 25.4f;  ///< touch targets: at least 15 mm
    bool largeText = false;
    const Fonts* fonts = nullptr;  ///< valid during frame()

    const std::string& tr(std::string_view key) const { return text.get(language, key); }
    float mm(float millimetres) const { return millimetres * pixelsPerMm; }
};

}  // namespace kiosk::ui
