#pragma once
// Whether a sync agent runs on a file: the agent holds a lock on `<db>.sync` for as long as it
// runs. The kernel drops the lock when the agent's process ends however it ends (SIGKILL, a
// power cut of the process), so a window reading the file's sync state can tell "online" from
// "the agent is gone" without a heartbeat written to the database every few seconds.
#include <kiosk/core/file.hpp>
#include <kiosk/core/result.hpp>

#include <string>

namespace kiosk::core::sync {

std::string agentLockFileFor(const std::string& dbPath);
/// Takes the agent's lock on `dbPath`. "sync.agent_running" when another agent holds it (one
/// agent per file); "sync.lock" when the lock file cannot be made.
Result<UniqueFd> holdAgentLock(const std::string& dbPath);
/// True while some process holds the agent's lock on `dbPath`.
bool agentHoldsLock(const std::string& dbPath);

}  // namespace kiosk::core::sync
