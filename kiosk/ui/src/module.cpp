namespace kiosk::ui { const char* moduleName() { return "ui"; } }
