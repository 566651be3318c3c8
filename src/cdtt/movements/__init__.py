"""Youth emulation movements (phong trào thi đua): criteria, points counted or claimed, live rankings."""
