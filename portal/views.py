from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .accounts import scope
from .ui import todos_for


@login_required
def home(request):
    """Each role's home page: what it is bound to and its to-do list."""
    user = request.user
    return render(request, "portal/home.html", {
        "todos": todos_for(user),
        "region": scope.bound_region(user),
        "membership": scope.membership(user),
        "cells": user.grid_cells.select_related("region") if scope.is_grid_member(user) else None,
    })
