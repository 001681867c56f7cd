#pragma once
// The organiser dashboard: a headcount readable across a room, arrivals per 5 minutes, the
// balance of categories and working groups, recent activity without names, printer and camera.
#include <kiosk/ui/dashboard_model.hpp>
#include <kiosk/ui/intents.hpp>

namespace kiosk::ui {

/// Draws the dashboard as one full-screen window. Between ImGui::NewFrame() and ImGui::Render().
void drawDashboard(const DashboardModel& model, IntentSink& sink);

}  // namespace kiosk::ui
