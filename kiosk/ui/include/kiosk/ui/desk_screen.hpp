#pragma once
// The help-desk screen (volunteers, behind the PIN): search, attendee detail and actions, walk-in
// registration, the queue of cases from the kiosks, and the PIN change. Draws the model and
// pushes intents; never touches the database.
#include <kiosk/ui/desk_model.hpp>
#include <kiosk/ui/intents.hpp>

namespace kiosk::ui {

/// Draws the desk as one full-screen window. Call between ImGui::NewFrame() and ImGui::Render().
void drawDesk(const DeskModel& model, IntentSink& sink);

}  // namespace kiosk::ui
