from django.urls import path

from . import views

app_name = "departments"

urlpatterns = [
    path("<int:pk>/team/", views.team, name="team"),
    path("<int:pk>/team/establish/", views.team_establish, name="team_establish"),
    path("<int:pk>/team/members/add/", views.member_add, name="member_add"),
    path("team/members/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("team/members/<int:pk>/remove/", views.member_remove, name="member_remove"),
    path("<int:pk>/tavlelinks/", views.board_links, name="board_links"),
    path("tavlelinks/<int:pk>/tilbagekald/", views.board_link_revoke, name="board_link_revoke"),
]
