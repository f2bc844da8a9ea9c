/** Who changes something: the user, and the function acting for them (the events' `source`). */
export interface Actor {
  userId: string;
  source: string;
}
