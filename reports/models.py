# Report models arrive with the reports issue; reports/ holds every read-only view across apps.
